"""The first phases: read the project, check it whole, and the checks `validate` adds."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from mi_courseware.checks import check_project
from mi_courseware.core.edition import Edition, Selection
from mi_courseware.core.people import Participant
from mi_courseware.errors import Problem, Problems
from mi_courseware.loading.project import Project
from mi_courseware.loading.read import load_project
from mi_courseware.project import ProjectPaths
from mi_courseware.resolving.edition import plan, resolve
from mi_courseware.resolving.targets import Target, event_selection, find_target

log = logging.getLogger(__name__)


def load_checked(paths: ProjectPaths, problems: Problems) -> Project:
    """Read the whole project and run every cross-file check (problems collected)."""
    project = load_project(paths, problems)
    check_project(project, problems)
    return project


def check_timings(project: Project, problems: Problems) -> None:
    """Every variant of every course fits its day; every event resolves completely."""
    for record in project.courses.values():
        course = record.model
        for variant in course.variants or [None]:
            pos = (
                record.position("variants", variant, "sessions")
                if variant
                else record.position("schedule", "end")
            )
            plan(project, record, variant, [], None, pos, problems)
    for ident in project.events:
        check_event_edition(project, ident, problems)


def check_event_edition(project: Project, ident: str, problems: Problems) -> None:
    """Resolve an event completely, unless its course or client is missing (already reported)."""
    event = project.events[ident].model
    if event.course in project.courses and event.client in project.clients:
        resolve(project, event_selection(project, ident), problems)


def check_targets(project: Project, targets: list[Target], problems: Problems) -> None:
    """``validate TARGET``: an event resolves completely, a course in each of its variants."""
    for target in targets:
        if target.kind == "event":
            if target.id in project.events:  # else its file's problems are reported already
                check_event_edition(project, target.id, problems)
            continue
        if target.id not in project.courses:
            continue
        for variant in project.courses[target.id].model.variants or [None]:
            resolve(project, Selection(course=target.id, variant=variant), problems)


def validate_project(project: Project, targets: tuple[str, ...], problems: Problems) -> None:
    """``validate``: every course variant and event resolves (or only the TARGETs given)."""
    if targets:
        chosen = [find_target(project, t) for t in targets]
        check_targets(project, chosen, problems)
        events = [t.id for t in chosen if t.kind == "event"]
        warn_past(project, events, problems)
        roster_notes(project, events, problems)
    else:
        check_timings(project, problems)
        roster_notes(project, list(project.events), problems)


def roster_notes(project: Project, events: list[str], problems: Problems) -> None:
    """What reading the rosters of ``events`` had to say (columns ignored, names read from
    two columns): said by the commands that use those rosters, once for each file."""
    seen: set[Path] = set()
    for ident in events:
        table = project.rosters.get(ident)
        if table is not None and table.path not in seen:
            seen.add(table.path)
            problems.extend(table.notes)


def warn_past(project: Project, events: list[str], problems: Problems) -> None:
    """``validate EVENT`` says when the event is over (a mistyped year, often). Only for
    events named: a project keeps its past events, and a build after an event is usual (it
    confirms certificates from the roster's attendance)."""
    from mi_courseware.core.clock import build_time

    today = build_time().date()
    for ident in events:
        record = project.events.get(ident)
        if record is None:
            continue
        dates = [day.date for day in record.model.course_days() if day.date is not None]
        if dates and max(dates) < today:
            problems.warning(
                record.position("days" if record.model.days is not None else "dates"),
                f"the event is over (its last day was {max(dates).isoformat()}); its outputs "
                "are records of what was taught",
            )


def roster_override(
    path: Path, editions: list[Edition], warn: Callable[[list[Problem]], None]
) -> dict[str, tuple[Participant, ...]]:
    """The ``--roster`` file, read and checked once, for each edition of an event (its
    attendance assessed against that edition's days); every error in it stops the run, and
    its notes are handed to ``warn``, once."""
    from mi_courseware.core.people import assess
    from mi_courseware.errors import ContentError
    from mi_courseware.loading.roster import read_roster

    problems = Problems()
    found: dict[str, tuple[Participant, ...]] = {}
    read: dict[int, list[Participant]] = {}
    for edition in editions:
        if edition.event is None:
            continue
        days = len(edition.days)
        if days not in read:
            read[days] = read_roster(path, problems, days=days)
        found[edition.slug] = assess(read[days], days, edition.certificate_requires)
    if problems.errors:
        raise ContentError(problems.items)
    notes = {(p.position, p.message): p for p in problems.warnings}  # read once per day count
    if notes:
        warn(list(notes.values()))
    return found
