"""The languages the themes provide, declared once: in the themes' translation catalogues.

A theme's wording in a language lives in ``themes/<theme>/i18n/<lang>.yaml`` and its parts
(``<lang>.<part>.yaml``, e.g. ``cy.slides.yaml``). The main file also declares, in a
``_language:`` block, what the code needs to know of the language: its name in itself, its
BCP 47 tag, and its month and weekday names (:class:`~mi_courseware.model.theme.LanguageFacts`).
A theme chain provides every language one of its themes has a main catalogue for, so adding a
language (Irish, say) is adding ``ga.yaml`` and its parts to a theme, and nothing in the code.

The model checks, rendering and certificates all ask this module; it stays light to import
(YAML and the models are imported when a catalogue is first read).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.core.bcp47 import is_tag
from mi_courseware.errors import ContentError, Position, Problem, Problems, closest

if TYPE_CHECKING:
    from mi_courseware.loading.project import Project
    from mi_courseware.loading.yaml_file import SourceMap

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
    from mi_courseware.loading.yaml_file import SourceMap
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


def ordered(codes: Iterable[str]) -> tuple[str, ...]:
    """Language codes in the order they are listed and tried: the fallback first, then the
    rest by name."""
    unique = set(codes)
    return tuple(sorted(unique, key=lambda code: (code != FALLBACK, code)))


def project_languages(project: Project) -> tuple[str, ...]:
    """The languages any of the project's themes (its own and the built-in ones) provide."""
    return provided([theme.path for theme in project.themes.values()])


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


def check_languages(project: Project, problems: Problems) -> None:
    """The project's catalogues read cleanly and declare their languages; each client's
    language is one the themes provide, and each event's theme provides its client's."""
    from mi_courseware.loading.themes import theme_chain

    # a catalogue is reached through every theme that extends its own, and its language's
    # facts through every chain that provides it: each catalogue's problems are said once
    reported: set[Problem] = set()
    for theme in project.themes.values():
        if not theme.builtin:
            _check_catalogues(theme.path, theme_chain(project, theme.id), problems, reported)
    chains = {ident: theme_chain(project, ident) for ident in project.themes}
    names: dict[str, str] = {}  # each language's name in itself, where it is declared
    for chain in chains.values():
        for code in provided(chain):
            try:
                names.setdefault(code, language(chain, code).name)
            except ContentError as exc:
                _report(exc.problems, problems, reported)
                names.setdefault(code, "")
    known = ordered(names)
    listed = ", ".join(f"{code} ({names[code]})" if names[code] else code for code in known)
    for client in project.clients.values():
        code = client.model.language
        if code not in known:
            hint = did_you_mean_language(code, names)
            problems.error(
                client.position("language"),
                f"unknown language '{code}'{hint}; the themes provide: {listed}",
            )
    for event in project.events.values():
        owner = project.clients.get(event.model.client)
        event_chain = chains.get(event.model.theme)
        if owner is None or event_chain is None or owner.model.language not in known:
            continue
        message = theme_lacks(event.model.theme, event_chain, owner.id, owner.model.language)
        if message:
            where = "theme" if ("theme",) in event.source.values else "client"
            problems.error(event.position(where), message)


def theme_lacks(theme: str, chain: Sequence[Path], client: str, code: str) -> str | None:
    """What is wrong when ``theme`` (its ``chain``) has no catalogue for the language of
    ``client``, or ``None`` (one wording for the checks and for a theme chosen to build)."""
    if code in provided(chain):
        return None
    return (
        f"theme '{theme}' has no catalogue for language '{code}', the language of client "
        f"'{client}' (it has: {', '.join(provided(chain))})"
    )


def did_you_mean_language(value: str, names: dict[str, str]) -> str:
    """A ``(did you mean 'x'?)`` for a misspelt language code, or a language's name written
    in place of its code; else nothing."""
    for code, name in names.items():
        if value.casefold() in {code.casefold(), name.casefold()} - {""}:
            return f" (did you mean '{code}'?)"
    close = closest(value, names)
    return f" (did you mean '{close}'?)" if close else ""


def _check_catalogues(
    folder: Path, chain: Sequence[Path], problems: Problems, reported: set[Problem]
) -> None:
    """Every catalogue of one project theme reads cleanly; a part with no main catalogue
    along the theme's chain is never used."""
    codes = provided(chain)
    for path in sorted((folder / "i18n").glob("*.yaml")) if (folder / "i18n").is_dir() else ():
        _report(read_catalogue(path).problems, problems, reported)
        code = path.name.partition(".")[0]
        if code not in codes:
            problems.warning(
                Position(path),
                f"there is no main catalogue '{code}.yaml' in this theme or those it extends, "
                f"so this part is never used (the themes' languages: {', '.join(codes)})",
            )


def _report(found: Iterable[Problem], problems: Problems, reported: set[Problem]) -> None:
    """Add ``found`` to ``problems``, but those already ``reported``."""
    for problem in found:
        if problem in reported:
            continue
        reported.add(problem)
        if problem.severity == "error":
            problems.error(problem.position, problem.message)
        else:
            problems.warning(problem.position, problem.message)
