"""Certificate numbers and verification codes now live in :mod:`mi_courseware.codes`.

Kept so that code written against the old place keeps working; import from
:mod:`mi_courseware.codes` in new code.
"""

from mi_courseware.codes import (
    ALPHABET,
    LENGTH,
    RANDOM_SYMBOLS,
    ReadCode,
    Verdict,
    check_symbol,
    format_number,
    group,
    is_number,
    new_code,
    read_code,
)

__all__ = [
    "ALPHABET",
    "LENGTH",
    "RANDOM_SYMBOLS",
    "ReadCode",
    "Verdict",
    "check_symbol",
    "format_number",
    "group",
    "is_number",
    "new_code",
    "read_code",
]
