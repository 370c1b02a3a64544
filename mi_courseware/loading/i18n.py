"""Fixed wording on outputs, per language, from the theme's translation catalogues.

Catalogues are flat YAML maps in ``themes/<theme>/i18n/<lang>.yaml`` and
``<lang>.<part>.yaml`` (e.g. ``cy.slides.yaml``); a theme's entries override its parent's.
A key missing in the chosen language falls back to English (:data:`~mi_courseware.core.languages.
FALLBACK`), and a key missing everywhere is a bug in the theme, reported with its name. Which
languages there are, and their month and weekday names, come from
:mod:`mi_courseware.loading.languages`.
"""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

from mi_courseware.errors import ContentError, Position, Problem, Problems
from mi_courseware.loading.languages import FALLBACK, catalogue_files, language, read_catalogue


class WordingError(ContentError):
    """A wording the theme lacks or cannot fill. ``at``: the catalogue line at fault, if
    known; else the template (or code) that asked for it is named."""

    def __init__(self, message: str, at: Position | None = None) -> None:
        self.message = message
        self.at = at
        super().__init__([Problem(at or Position(Path("themes")), message)])

    def __reduce__(self) -> tuple[type[WordingError], tuple[str, Position | None]]:  # type: ignore[override]
        return (WordingError, (self.message, self.at))


class Translator:
    """Looks up fixed strings for one language along a theme chain."""

    def __init__(self, chain: list[Path], code: str) -> None:
        #: The language's facts; an error when the themes do not provide it.
        self.facts = language(chain, code)
        self.language = code
        self.strings: dict[str, str] = {}
        self.fallback: dict[str, str] = {}
        #: Where each wording was written (the catalogue file and line), for messages.
        self.origins: dict[str, Position] = {}
        for folder in reversed(chain):  # parents first, nearest theme wins
            self.fallback.update(_catalogues(folder, FALLBACK, self.origins))
            self.strings.update(_catalogues(folder, code, self.origins))

    def __call__(self, key: str, **values: object) -> str:
        """The text for ``key`` with ``{name}`` placeholders filled from ``values``."""
        text = self.strings.get(key, self.fallback.get(key))
        if text is None:
            raise WordingError(f"theme has no wording for '{key}'")
        return fill(text, values, key, self.origins.get(key)) if values else text

    def date(self, value: dt.date, weekday: bool = False) -> str:
        """A date written out: "11 March 2027", with ``weekday`` "Thursday 11 March 2027"."""
        text = f"{value.day} {self.facts.months[value.month - 1]} {value.year}"
        return f"{self.facts.weekdays[value.weekday()]} {text}" if weekday else text

    def dates(self, values: tuple[dt.date, ...] | list[dt.date]) -> str:
        """Several dates: "11 and 12 March 2027", "11 March and 2 April 2027"."""
        if not values:
            return ""
        if len(values) == 1:
            return self.date(values[0])
        words = [self.date(v) for v in values]
        same_month = all((v.year, v.month) == (values[-1].year, values[-1].month) for v in values)
        if same_month:
            words = [str(v.day) for v in values[:-1]] + [words[-1]]
        return ", ".join(words[:-1]) + f" {self('and')} " + words[-1]


def fill(text: str, values: dict[str, object], key: str = "", at: Position | None = None) -> str:
    """``text`` with its ``{name}`` fields filled from ``values``.

    Catalogues come from themes, which may come from anywhere: only plain names are filled
    (``str.format`` would otherwise let ``{value.__class__...}`` reach into Python objects).
    """
    out = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise WordingError(f"wording '{key}': {exc}", at) from None
    for literal, field, spec, conversion in parsed:
        out.append(literal)
        if field is None:
            continue
        if not field.isidentifier() or conversion or field not in values:
            raise WordingError(
                f"wording '{key}': '{{{field}}}' is not a plain name this text is given "
                f"(it is given: {', '.join(sorted(values)) or 'nothing'})",
                at,
            )
        out.append(format(values[field], spec) if spec and "{" not in spec else str(values[field]))
    return "".join(out)


def _catalogues(folder: Path, code: str, origins: dict[str, Position]) -> dict[str, str]:
    """The wordings of one theme folder's catalogues for ``code``; a catalogue that is not a
    flat map of texts is a located error."""
    merged: dict[str, str] = {}
    problems = Problems()
    for path in catalogue_files(folder, code):
        catalogue = read_catalogue(path)
        problems.extend(catalogue.problems)
        merged.update(catalogue.wordings)
        origins.update(catalogue.origins)
    problems.raise_if_errors()
    return merged
