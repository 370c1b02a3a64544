"""Certificate numbers and verification codes.

A verification code is 11 random symbols (55 bits from :mod:`secrets`) in Crockford's base 32
alphabet, which leaves out I, L, O and U so that nothing looks like anything else, followed by
one check symbol (Luhn mod 32). Every single mistyped symbol and most swaps of two neighbours
change the check, so a typo is told apart from a code that was never issued. Codes are shown in
three groups of four (``7KQ2-M9XD-F3HC``); when reading one back, case, spaces and hyphens are
ignored and the look-alikes O, I and L are read as 0, 1 and 1.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Literal

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: digits and capitals without I, L, O and U."""

RANDOM_SYMBOLS = 11
"""Random symbols per code: 11 x 5 = 55 bits."""

LENGTH = RANDOM_SYMBOLS + 1
"""Symbols per code, the check symbol included."""

_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_NUMBER = re.compile(r"^(?P<prefix>[A-Z0-9]{1,8})-(?P<year>\d{4})-(?P<serial>\d{6,})$")


def _luhn_sum(values: list[int], double_first: bool) -> int:
    """Luhn mod 32 sum, walking from the right; ``double_first`` doubles the rightmost value."""
    total = 0
    double = double_first
    for value in reversed(values):
        addend = value * 2 if double else value
        total += addend // 32 + addend % 32
        double = not double
    return total


def check_symbol(body: str) -> str:
    """The Luhn mod 32 check symbol for ``body`` (symbols of :data:`ALPHABET`)."""
    total = _luhn_sum([_VALUE[c] for c in body], double_first=True)
    return ALPHABET[(32 - total % 32) % 32]


def new_code() -> str:
    """A fresh random code with its check symbol, grouped for reading (``XXXX-XXXX-XXXX``)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return group(body + check_symbol(body))


def group(compact: str) -> str:
    """``XXXXXXXXXXXX`` -> ``XXXX-XXXX-XXXX``."""
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


Verdict = Literal["ok", "mistyped", "malformed"]


@dataclass(frozen=True)
class ReadCode:
    """A code as typed, read back: its normal form and whether it can be one of ours."""

    typed: str
    code: str
    verdict: Verdict
    reason: str = ""


def read_code(typed: str) -> ReadCode:
    """Normalise a typed code and check it.

    ``malformed``: not the shape of a code at all; ``mistyped``: the shape is right but a
    symbol is not in the alphabet or the check symbol does not match; ``ok``: it could be one
    of ours (whether it was issued is for the register to say).
    """
    compact = re.sub(r"[\s-]+", "", typed.strip().upper()).translate(_LOOK_ALIKES)
    if len(compact) != LENGTH or not compact.isalnum() or not compact.isascii():
        return ReadCode(
            typed,
            compact,
            "malformed",
            f"a code has {LENGTH} letters and digits, like 7KQ2-M9XD-F3HG",
        )
    wrong = [c for c in compact if c not in _VALUE]
    if wrong:
        return ReadCode(typed, group(compact), "mistyped", f"'{wrong[0]}' is never used in codes")
    if _luhn_sum([_VALUE[c] for c in compact], double_first=False) % 32:
        return ReadCode(typed, group(compact), "mistyped", "its check symbol does not match")
    return ReadCode(typed, group(compact), "ok")


def format_number(prefix: str, year: int, serial: int) -> str:
    """``<PREFIX>-<YEAR>-<NNNNNN>``."""
    return f"{prefix}-{year:04d}-{serial:06d}"


def is_number(text: str) -> bool:
    """Whether ``text`` has the shape of a certificate number."""
    return bool(_NUMBER.match(text.strip().upper()))
