"""What the code knows of a language: its facts, the fallback language, their order.

The facts are declared in the themes' catalogues (:mod:`mi_courseware.loading.languages`
reads them); here is the plain data every floor shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

FALLBACK = "en"
"""The language every theme's catalogues are complete in: a wording missing in another
language is taken from it, and it is the language of a client that names none."""

FACTS_KEY = "_language"
"""The key of a main catalogue that holds the language's facts rather than a wording."""


@dataclass(frozen=True)
class Language:
    """One language as the outputs need it."""

    code: str
    """The catalogues' name for it (``cy``): the client's ``language``, the HTML and PDF
    language."""
    name: str
    """Its name in itself (``Cymraeg``)."""
    tag: str
    """Its BCP 47 tag with a region (``cy-GB``), for the proofing language of slides."""
    months: tuple[str, ...]
    """The twelve month names, January first."""
    weekdays: tuple[str, ...]
    """The seven weekday names, Monday first."""


def ordered(codes: Iterable[str]) -> tuple[str, ...]:
    """Language codes in the order they are listed and tried: the fallback first, then the
    rest by name."""
    unique = set(codes)
    return tuple(sorted(unique, key=lambda code: (code != FALLBACK, code)))
