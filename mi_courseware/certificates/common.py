"""What every part of certificate making shares: the people, the slots, the fixed names.

A leaf module (it imports nothing else from the package), so that imports inside
``mi_courseware.certificates`` run one way: design and names, then the background and the
setter, then the writers, then the batch and the issuing run.
"""

from __future__ import annotations

from dataclasses import dataclass

LAYOUT = 2
"""The certificate design new certificates are laid out in, recorded with each in the register.
A certificate already issued keeps the design it was issued in (its file keeps its bytes):

1. the event's dates, the first day's place (online or its venue) and the CPD hours;
2. the same, but every day's place when the days are not all in one place.
"""

SLOTS = ("name", "number", "code", "issued")
"""The personal text of a certificate, in the order the template lays it out."""

INK = {"name": "#1b1b1b", "number": "#1b1b1b", "code": "#1b1b1b", "issued": "#4a4a4a"}
"""Colour of each slot's text: given to the template as CSS variables and used by the setter."""

BOLD_SLOTS = frozenset({"name", "number", "code"})
"""Slots set in the bold face (the others in the regular one)."""

LINE_HEIGHT = 1.15
"""Line height of the name, in ems (two-line names)."""

FINE_LINE_HEIGHT = 1.45
"""Line height of the number, code and issue lines, in ems."""

NUMBER_KEY = "/MICertificateNumber"
CODE_KEY = "/MICertificateCode"
"""Custom document-information keys that say which certificate a PDF is."""
ISSUER_KEY = "/MIIssuerKey"
"""Custom document-information key with the fingerprint of the issuer's signing key (for a
reader to compare with the one the issuer publishes; never trusted by itself)."""


@dataclass(frozen=True)
class Person:
    """One certificate to render: who, which number and code, and its dates."""

    number: str
    code: str
    name: str
    issued_at: str
    changed_at: str
    reissued: bool
    #: The fingerprint of the issuer's signing key, printed small (``None``: a certificate
    #: issued before fingerprints were printed, which keeps its layout).
    key: str | None = None
    #: The design it is laid out in (:data:`LAYOUT`; ``None``: the first).
    layout: int | None = LAYOUT


@dataclass(frozen=True)
class PdfInfo:
    """What each certificate's PDF says about itself (document information, identifier)."""

    number: str
    code: str
    title: str
    author: str
    subject: str
    keywords: str
    language: str
    created: str
    modified: str
    key: str | None = None  # the issuer's key fingerprint, as printed


@dataclass(frozen=True)
class Lines:
    """One person's personal text as laid out: the name's size and lines, the fine print."""

    name_size: float  # points
    name: tuple[str, ...]
    number: str
    code: str
    issued: tuple[str, ...]

    def slot(self, kind: str) -> tuple[str, ...]:
        """The lines of one slot."""
        value = getattr(self, kind)
        return value if isinstance(value, tuple) else (value,)


class CertificateError(Exception):
    """A person's certificate cannot be made as designed (the message says why)."""
