"""Every catalogue of the project's themes reads cleanly and declares its language; each
client's language is one the themes provide, and each event's theme provides its client's."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.core.languages import ordered
from mi_courseware.core.scope import in_scope
from mi_courseware.errors import ContentError, Position, Problem, Problems, closest
from mi_courseware.loading.languages import language, provided, read_catalogue, theme_lacks

if TYPE_CHECKING:
    from mi_courseware.loading.project import Project


def check_languages(project: Project, problems: Problems) -> None:
    """The project's catalogues read cleanly and declare their languages; each client's
    language is one the themes provide, and each event's theme provides its client's."""
    from mi_courseware.loading.themes import theme_chain

    # a catalogue is reached through every theme that extends its own, and its language's
    # facts through every chain that provides it: each catalogue's problems are said once
    reported: set[Problem] = set()
    for theme in in_scope(project.scope, "themes", project.themes):
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
    for client in in_scope(project.scope, "clients", project.clients):
        code = client.model.language
        if code not in known:
            hint = did_you_mean_language(code, names)
            problems.error(
                client.position("language"),
                f"unknown language '{code}'{hint}; the themes provide: {listed}",
            )
    for event in in_scope(project.scope, "events", project.events):
        owner = project.clients.get(event.model.client)
        event_chain = chains.get(event.model.theme)
        if owner is None or event_chain is None or owner.model.language not in known:
            continue
        message = theme_lacks(event.model.theme, event_chain, owner.id, owner.model.language)
        if message:
            where = "theme" if ("theme",) in event.source.values else "client"
            problems.error(event.position(where), message)


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
    from mi_courseware.loading.themes import shipped

    codes = provided(chain)
    for path in sorted((folder / "i18n").glob("*.yaml")) if (folder / "i18n").is_dir() else ():
        if not shipped(path, folder):
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
