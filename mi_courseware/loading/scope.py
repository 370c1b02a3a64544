"""What one build target reads: the files its editions depend on.

``build TARGET`` reads every YAML record of the project (they are small, and they hold the
project-wide facts the checks rely on: ids and references), but reads, parses and checks the
Markdown, rosters, responses, stylesheets, fonts and catalogues only of the files the
target's editions are made from: its course, that course's sessions' modules and handouts,
its add-ons, its client (with the client's pages, stylesheets and pictures), its theme and
the themes it extends, its event's trainers, roster and responses, and the responses of the
events its course's quotes name as their source. ``validate`` (no scope) reads and checks
everything. A file out of scope is still listed, so that a reference to it resolves and a
misspelt one gets the same suggestion as under ``validate``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from mi_courseware.core.scope import Scope

if TYPE_CHECKING:
    from mi_courseware.loading.project import Project


def theme_ids(project: Project, theme: str) -> list[str]:
    """``theme`` and the themes it extends, nearest first, then ``default`` (every chain
    ends in the built-in default theme)."""
    names: list[str] = []
    current = project.themes.get(theme)
    while current is not None and current.id not in names:
        names.append(current.id)
        current = project.themes.get(current.config.extends or "")
    return [*names, "default"] if "default" not in names else names


def target_scope(
    project: Project,
    kind: str,
    ident: str,
    *,
    client: str | None = None,
    addons: Iterable[str] = (),
    theme: str | None = None,
) -> Scope:
    """The files an event's (``kind == "event"``) or a course's editions read; the YAML
    records must be loaded already. Every session of the course counts, whatever the
    variant: the scope is a little wider than the edition, never narrower."""
    ids: dict[str, set[str]] = {}

    def add(what: str, *names: str | None) -> None:
        ids.setdefault(what, set()).update(n for n in names if n)

    course = ident if kind == "course" else None  # an event's file that did not load names none
    if kind == "event":
        add("events", ident)
        record = project.events.get(ident)
        if record is not None:
            event = record.model
            course, client = event.course, event.client
            addons, theme = event.addons, theme or event.theme
            add("trainers", *event.trainers)
    elif client is None and len(project.clients) == 1:
        client = next(iter(project.clients))  # as a course build brands it
    add("courses", course)
    add("clients", client)
    add("themes", *theme_ids(project, theme or "default"))
    course_record = project.courses.get(course) if course else None
    chosen = [a for a in addons if course_record is None or a in course_record.model.addons]
    add("addons", *chosen)
    sessions = list(course_record.model.sessions) if course_record is not None else []
    for ref in chosen:
        addon = project.addons.get(ref)
        sessions += addon.model.sessions if addon is not None else []
    for session in sessions:
        add("modules", session.module)
        add("handouts", *session.handouts)
    if course_record is not None:  # the answers that hold the course's quotes are checked
        add("responses", *(quote.source for quote in course_record.model.feedback))
    return Scope({what: frozenset(names) for what, names in ids.items()})
