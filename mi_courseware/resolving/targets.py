"""What a command names (an event or a course, by id or by its file) and its Editions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from mi_courseware.core.edition import Edition, Selection
from mi_courseware.errors import Position, Problem, Problems, UsageError, check_known, did_you_mean
from mi_courseware.loading.project import Project
from mi_courseware.resolving.edition import resolve


def event_selection(project: Project, ident: str, theme: str | None = None) -> Selection:
    """The selection an event describes."""
    event = project.events[ident].model
    return Selection(
        course=event.course,
        variant=event.variant,
        addons=tuple(event.addons),
        client=event.client,
        event=ident,
        theme=theme or event.theme,
    )


@dataclass(frozen=True)
class Target:
    """What a TARGET argument names."""

    kind: str  # "event" | "course"
    id: str


def find_target(project: Project, text: str) -> Target:
    """An event or a course, by id or by path to its file."""
    path = Path(text)
    if path.suffix in (".yaml", ".yml") and path.exists():
        folder = path.resolve().parent.name
        kind = {"events": "event", "courses": "course"}.get(folder)
        if kind is None:
            raise UsageError(f"{text}: not an event or a course file")
        if not project.exists(f"{kind}s", path.stem):
            raise UsageError(f"{text}: this project has no {kind} '{path.stem}'")
        return Target(kind, path.stem)
    # a file that failed to load is still a target: its problems are reported, not "no such"
    if project.exists("events", text):
        return Target("event", text)
    if project.exists("courses", text):
        return Target("course", text)
    hint = did_you_mean(text, [*project.events, *project.courses])
    raise UsageError(f"no event or course called '{text}'{hint}")


def default_client(project: Project, client: str | None) -> str | None:
    """The client to brand a course build for when ``--client`` is not given."""
    if client is not None:
        return client
    if len(project.clients) == 1:
        return next(iter(project.clients))
    if not project.clients:
        return None
    names = ", ".join(sorted(project.clients))
    raise UsageError(f"choose a client with --client (one of: {names})")


def editions_for(
    project: Project,
    targets: list[Target],
    problems: Problems,
    *,
    client: str | None = None,
    variant: str | None = None,
    addons: tuple[str, ...] = (),
    theme: str | None = None,
    samples: bool = False,
) -> list[Edition]:
    """Resolve each target to its Edition (with the courses' sample quotes when
    ``samples``); problems are recorded."""
    editions = []
    for target in targets:
        check_options(project, target, client=client, variant=variant, addons=addons, theme=theme)
        if target.kind == "event":
            selection = event_selection(project, target.id, theme)
        else:
            selection = Selection(
                course=target.id,
                variant=variant,
                addons=addons,
                client=default_client(project, client),
                theme=theme,
            )
        selection = replace(selection, samples=samples)
        before = len(problems.errors)
        edition = resolve(project, selection, problems)
        if edition is not None:
            editions.append(edition)
        elif len(problems.errors) == before:  # the checks had let it through: say so
            problems.error(
                Position(project.paths.content),
                f"'{target.id}' names a course, variant, add-on or client the project lacks",
            )
    return editions


def check_options(
    project: Project,
    target: Target,
    *,
    client: str | None,
    variant: str | None,
    addons: tuple[str, ...],
    theme: str | None,
) -> None:
    """Names given on the command line exist (else exit 2, not a problem in a file)."""
    if target.kind == "event":
        given = [
            f"--{n}" for n, v in (("client", client), ("variant", variant), ("addon", addons)) if v
        ]
        if given:
            raise UsageError(
                f"{', '.join(given)}: event '{target.id}' sets its own client, variant and "
                f"add-ons in its file; name the course to build it another way"
            )
    elif target.id in project.courses:  # a course that failed to load has its problems listed
        course = project.courses[target.id].model
        if variant is not None and variant not in course.variants:
            raise UsageError(
                f"--variant: course '{target.id}' has no variant '{variant}'"
                f"{did_you_mean(variant, course.variants)}"
            )
        for ref in addons:
            if ref not in course.addons:
                raise UsageError(
                    f"--addon: add-on '{ref}' is not allowed for course '{target.id}'"
                    f"{did_you_mean(ref, course.addons)}"
                )
        check_known("--client", "client", client, project.clients)
    check_known("--theme", "theme", theme, project.themes)


def one_edition(
    project: Project,
    target: str,
    *,
    client: str | None,
    variant: str | None,
    addons: tuple[str, ...],
    theme: str | None,
    warn: Callable[[list[Problem]], None],
) -> Edition:
    """The one edition a TARGET names (a course gets the first client when none is given);
    problems stop here, warnings are passed to ``warn``."""
    from mi_courseware.errors import ContentError

    problems = Problems()
    found = find_target(project, target)
    if found.kind == "course" and client is None and len(project.clients) > 1:
        client = sorted(project.clients)[0]
    editions = editions_for(
        project, [found], problems, client=client, variant=variant, addons=addons, theme=theme
    )
    if problems.errors:
        raise ContentError(problems.items)
    if problems.warnings:
        warn(problems.warnings)
    return editions[0]
