"""The languages the themes provide, declared once: in the themes' translation catalogues.

A theme's wording in a language lives in ``themes/<theme>/i18n/<lang>.yaml`` and its parts
(``<lang>.<part>.yaml``, e.g. ``cy.slides.yaml``). The main file also declares, in a
``_language:`` block, what the code needs to know of the language: its name in itself, its
BCP 47 tag, and its month and weekday names (:class:`~mi_courseware.model.theme.LanguageFacts`).
A theme chain provides every language one of its themes has a main catalogue for, so adding a
language (Irish, say) is adding ``ga.yaml`` and its parts to a theme, and nothing in the code.

The checks, rendering and certificates all ask this module; it stays light to import (YAML
and the models are imported when a catalogue is first read). The facts themselves are plain
data (:mod:`mi_courseware.core.languages`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.core.bcp47 import is_tag
from mi_courseware.core.languages import FACTS_KEY, FALLBACK, Language, ordered
from mi_courseware.errors import ContentError, Position, Problem, Problems

if TYPE_CHECKING:
    from mi_courseware.core.positions import SourceMap

__all__ = ["FACTS_KEY", "FALLBACK", "Catalogue", "Language", "language", "provided"]


@dataclass(frozen=True)
class Catalogue:
    """One catalogue file as read: its wordings and where each is written, the language's
    facts (in a main catalogue that declares them) and what was wrong in it."""

    wordings: dict[str, str]
    origins: dict[str, Position]
    facts: Language | None
    problems: tuple[Problem, ...]


def catalogue_files(theme_folder: Path, code: str) -> list[Path]:
    """The catalogues of one theme folder for the language ``code``: the main file first,
    then its parts in name order."""
    folder = theme_folder / "i18n"
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{code}.yaml")) + sorted(folder.glob(f"{code}.*.yaml"))


def read_catalogue(path: Path) -> Catalogue:
    """One catalogue file, read once for as long as it is unchanged (a build asks for the
    same catalogues many times; ``serve`` sees each edit)."""
    stat = path.stat()
    return _read(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _read(path: Path, _mtime: int, _size: int) -> Catalogue:
    from mi_courseware.loading.yaml_file import load_yaml

    problems = Problems()
    wordings: dict[str, str] = {}
    origins: dict[str, Position] = {}
    facts = None
    loaded = load_yaml(path, problems)
    if loaded is not None:
        data, source = loaded
        if not isinstance(data, dict):
            problems.error(source.position(), "a catalogue is a list of 'key: wording' lines")
            data = {}
        for key, value in data.items():
            if key == FACTS_KEY:
                facts = _facts(path, value, source, problems)
            elif isinstance(value, dict | list) or value is None:
                problems.error(source.position((key,)), f"wording '{key}' must be text")
            else:
                wordings[str(key)] = str(getattr(value, "text", value))
                origins[str(key)] = source.position((key,), key=True)
    return Catalogue(wordings, origins, facts, tuple(problems.items))


def _facts(path: Path, value: Any, source: SourceMap, problems: Problems) -> Language | None:
    code, _, part = path.name.removesuffix(".yaml").partition(".")
    if part:
        problems.error(
            source.position((FACTS_KEY,), key=True),
            f"the '{FACTS_KEY}' block belongs in the language's main catalogue, {code}.yaml",
        )
        return None
    if not isinstance(value, dict):
        problems.error(
            source.position((FACTS_KEY,)),
            f"'{FACTS_KEY}' is a set of 'key: value' lines: name, tag, months, weekdays",
        )
        return None
    if _plainly_valid(value):  # as the model would have it, without importing the models
        return Language(code, value["name"], value["tag"], *(tuple(value[k]) for k in _LISTS))
    from mi_courseware.core.positions import SourceMap
    from mi_courseware.model.base import validate
    from mi_courseware.model.theme import LanguageFacts

    # the block validated as a file of its own, its positions those of the block's lines
    inside = SourceMap(source.path, line_offset=source.line_offset)
    for found, table in ((source.values, inside.values), (source.keys, inside.keys)):
        table.update({loc[1:]: at for loc, at in found.items() if loc[:1] == (FACTS_KEY,)})
    inside.values.setdefault((), source.values.get((FACTS_KEY,), (1, 1)))
    facts = validate(LanguageFacts, value, inside, problems)
    if facts is None:
        return None
    return Language(code, facts.name, facts.tag, tuple(facts.months), tuple(facts.weekdays))


#: The lists of a ``_language`` block and the number of names each holds.
_LISTS = {"months": 12, "weekdays": 7}


def _plainly_valid(block: dict[str, Any]) -> bool:
    """Whether a ``_language`` block is one that :class:`~mi_courseware.model.theme.
    LanguageFacts` accepts as it is: texts where texts go, the right number of names. (A
    build that reads catalogues, cached or not, need not import the models; anything else is
    left to the model, which says what is wrong and where.)"""
    if set(block) != {"name", "tag", *_LISTS} or not isinstance(block["name"], str):
        return False
    if not is_tag(block["tag"]):
        return False
    return all(
        isinstance(block[key], list)
        and len(block[key]) == count
        and all(type(name) is str for name in block[key])
        for key, count in _LISTS.items()
    )


def provided(chain: Sequence[Path]) -> tuple[str, ...]:
    """The languages a theme chain (nearest first) has a main catalogue for."""
    codes: set[str] = set()
    for folder in chain:
        if (folder / "i18n").is_dir():
            codes.update(p.stem for p in (folder / "i18n").glob("*.yaml") if "." not in p.stem)
    return ordered(codes)


def language(chain: Sequence[Path], code: str) -> Language:
    """The facts of ``code`` along ``chain``: the nearest theme's ``_language`` block. A
    located error when the chain does not provide the language or does not declare it."""
    problems = Problems()
    mains = [folder / "i18n" / f"{code}.yaml" for folder in chain]
    mains = [path for path in mains if path.is_file()]
    if not mains:
        theme = chain[0].name if chain else "default"
        raise ContentError.single(
            chain[0] / "i18n" if chain else Path("themes"),
            f"theme '{theme}' has no catalogue for language '{code}' "
            f"(it has: {', '.join(provided(chain)) or 'none'})",
        )
    for path in mains:
        catalogue = read_catalogue(path)
        problems.extend(p for p in catalogue.problems if p.severity == "error")
        if catalogue.facts is not None or problems.errors:
            break
    problems.raise_if_errors()
    if catalogue.facts is None:
        raise ContentError.single(
            mains[0],
            f"language '{code}' is not declared: give its catalogue a '{FACTS_KEY}:' block "
            "(name, tag, months, weekdays), here or in a theme this one extends",
        )
    return catalogue.facts


def theme_lacks(theme: str, chain: Sequence[Path], client: str, code: str) -> str | None:
    """What is wrong when ``theme`` (its ``chain``) has no catalogue for the language of
    ``client``, or ``None`` (one wording for the checks and for a theme chosen to build)."""
    if code in provided(chain):
        return None
    return (
        f"theme '{theme}' has no catalogue for language '{code}', the language of client "
        f"'{client}' (it has: {', '.join(provided(chain))})"
    )
