"""Who may deliver which course for whom: trainers' accreditations and clients' licences.

``validate`` reports, at the event file's line, a trainer id that does not exist, a trainer
not accredited for the event's course on its dates (or whose accreditation has expired), an
event outside its client's licence or for a course the licence does not cover, and a client
with more accredited trainers than its licence allows. Trainers named by plain name (with a
space or capitals) are not checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from mi_courseware.core.scope import in_scope
from mi_courseware.errors import Problems, did_you_mean
from mi_courseware.loading.project import Project, Record
from mi_courseware.model import Accreditation, Client, Event, Licence, Trainer
from mi_courseware.model.trainer import looks_like_id

Loc = tuple[str | int, ...]


def event_dates(record: Record[Event]) -> list[tuple[date, Loc]]:
    """Each date an event runs on, with where it is written in the event's file.

    The one place that knows how an event states its dates: per-day details (``days:``)
    need only change this function.
    """
    event = record.model
    if event.days is not None:
        return [(day.date, ("days", index, "date")) for index, day in enumerate(event.days)]
    return [(day, ("dates", index)) for index, day in enumerate(event.dates or [])]


def is_trainer_ref(project: Project, entry: str) -> bool:
    """Whether an event's ``trainers`` entry names a trainer by id (and so is checked)."""
    return entry in project.trainers or looks_like_id(entry)


def trainer_names(project: Project, entries: Iterable[str]) -> tuple[str, ...]:
    """An event's trainers as printed: ids replaced by the trainers' names."""
    names = []
    for entry in entries:
        record = project.trainers.get(entry)
        names.append(record.model.name if record is not None else entry)
    return tuple(names)


def covers(accreditation: Accreditation, first: date, last: date) -> bool:
    """Whether an accreditation is valid on every day from ``first`` to ``last``."""
    ends = accreditation.expires
    return accreditation.date <= first and (ends is None or ends >= last)


def check_licensing(project: Project, problems: Problems) -> None:
    """Every trainer, licence and event check of this module."""
    courses = project.courses
    for record in in_scope(project.scope, "trainers", project.trainers):
        for index, item in enumerate(record.model.accreditations):
            if not project.exists("courses", item.course):
                problems.error(
                    record.position("accreditations", index, "course"),
                    f"unknown course '{item.course}'{did_you_mean(item.course, courses)}",
                )
    for event in in_scope(project.scope, "events", project.events):
        _check_event_trainers(event, project, problems)
        client = project.clients.get(event.model.client)
        if client is not None and client.model.licence is not None:
            _check_event_licence(event, client, client.model.licence, problems)
    for client in in_scope(project.scope, "clients", project.clients):
        if client.model.licence is not None:
            _check_licence(client, client.model.licence, project, problems)


def _check_event_trainers(record: Record[Event], project: Project, problems: Problems) -> None:
    event = record.model
    dates = [day for day, _ in event_dates(record)]
    first, last = min(dates), max(dates)
    for index, entry in enumerate(event.trainers):
        if not is_trainer_ref(project, entry):
            continue
        pos = record.position("trainers", index)
        trainer = project.trainers.get(entry)
        if trainer is None:
            if not project.exists("trainers", entry):
                hint = did_you_mean(entry, project.trainers)
                problems.error(pos, f"unknown trainer '{entry}'{hint}")
            continue
        message = _accreditation_problem(trainer, event.course, first, last)
        if message:
            problems.error(pos, message)


def _accreditation_problem(
    trainer: Record[Trainer], course: str, first: date, last: date
) -> str | None:
    """Why ``trainer`` may not deliver ``course`` from ``first`` to ``last``, or ``None``."""
    held = [a for a in trainer.model.accreditations if a.course == course]
    if any(covers(a, first, last) for a in held):
        return None
    who = f"trainer '{trainer.id}' ({trainer.model.name})"
    if not held:
        others = sorted({a.course for a in trainer.model.accreditations})
        also = f"; accredited for: {', '.join(others)}" if others else ""
        return f"{who} is not accredited for course '{course}'{also}"
    latest = max(held, key=lambda a: (a.expires or date.max, a.date))
    when = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    if latest.date > first:
        return (
            f"{who} is accredited for course '{course}' only from {latest.date.isoformat()}, "
            f"after the event starts ({first.isoformat()})"
        )
    assert latest.expires is not None  # else it would cover the event
    return (
        f"{who}: accreditation for course '{course}' expired on "
        f"{latest.expires.isoformat()}, before the event ({when})"
    )


def _check_event_licence(
    record: Record[Event], client: Record[Client], licence: Licence, problems: Problems
) -> None:
    event = record.model
    whose = f"client '{client.id}''s licence"
    if event.course not in licence.courses:
        problems.error(
            record.position("course"),
            f"course '{event.course}' is not covered by {whose} "
            f"(it covers: {', '.join(licence.courses)})",
        )
    for day, loc in event_dates(record):
        if day > licence.ends:
            problems.error(
                record.position(*loc),
                f"{day.isoformat()} is after {whose} ends ({licence.ends.isoformat()})",
            )
        elif day < licence.starts:
            problems.error(
                record.position(*loc),
                f"{day.isoformat()} is before {whose} starts ({licence.starts.isoformat()})",
            )


def belongs_to(organisation: str | None, client: Record[Client]) -> bool:
    """Whether an ``organisation`` value names ``client`` (by id or by its exact name)."""
    if not organisation:
        return False
    text = organisation.strip()
    return text == client.id or text.casefold() == client.model.name.casefold()


def licensed_trainers(client: Record[Client], project: Project) -> list[str]:
    """The client's own trainers holding an accreditation for a licensed course at some time
    within the licence."""
    licence = client.model.licence
    if licence is None:
        return []
    found = []
    for ident, trainer in project.trainers.items():
        if not belongs_to(trainer.model.organisation, client):
            continue
        if any(
            a.course in licence.courses
            and a.date <= licence.ends
            and (a.expires is None or a.expires >= licence.starts)
            for a in trainer.model.accreditations
        ):
            found.append(ident)
    return found


def _check_licence(
    client: Record[Client], licence: Licence, project: Project, problems: Problems
) -> None:
    for index, course in enumerate(licence.courses):
        if not project.exists("courses", course):
            problems.error(
                client.position("licence", "courses", index),
                f"unknown course '{course}'{did_you_mean(course, project.courses)}",
            )
    trainers = licensed_trainers(client, project)
    if len(trainers) > licence.max_trainers:
        problems.error(
            client.position("licence", "max_trainers"),
            f"the licence allows {licence.max_trainers} trainers, but {len(trainers)} of the "
            f"client's trainers are accredited for its courses: {', '.join(trainers)}",
        )
