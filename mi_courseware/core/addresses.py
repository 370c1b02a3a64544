"""Email addresses and names as they may go into a message's header: one address, one line.

A roster is a file from a booking system or a spreadsheet. A name or address holding a line
break or another control character would let a row add headers to a message (header
injection) or a second recipient, so such a row is refused where it is read, and an address
must be exactly one ``local@domain`` (no display name, no list, no comment).
"""

from __future__ import annotations

import unicodedata


def control_character(text: str) -> str | None:
    """The first control character in ``text`` (line breaks, tabs, NUL, U+2028...) as
    ``U+000A``, or ``None``."""
    for char in text:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return f"U+{ord(char):04X}"
    return None


def address_problem(text: str) -> str | None:
    """Why ``text`` is not one plain email address (``None`` when it is one)."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    bad = control_character(text)
    if bad is not None:
        return f"has a control character ({bad}) in it"
    if text.count("@") != 1 or any(c.isspace() or c in ',;<>()[]"\\' for c in text):
        return "is not one email address (write it as name@example.org)"
    local, domain = text.split("@")
    labels = domain.split(".")
    if not local or len(labels) < 2 or not all(labels) or len(text) > 254:
        return "is not one email address (write it as name@example.org)"
    try:
        parsed = Address(addr_spec=text)
    except (HeaderParseError, ValueError, IndexError):
        return "is not one email address (write it as name@example.org)"
    if parsed.addr_spec != text:
        return "is not one email address (write it as name@example.org)"
    return None
