"""An event's part of resolution: its days on the calendar, its roster and who qualifies.

An event gives its days either as ``dates`` + ``times`` (every day alike) or as ``days``,
each with its own date, times and place. Either way the Edition's :class:`Day` carries the
date, times and place of each course day, and every problem points at the event's line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mi_courseware.checks.fonts import name_glyph_problems, theme_fonts
from mi_courseware.checks.licences import trainer_names
from mi_courseware.core.edition import AdminContact, Day, EventInfo, Slot, Times
from mi_courseware.core.people import Participant, assess
from mi_courseware.errors import Position, Problems
from mi_courseware.loading.project import Project, Record
from mi_courseware.loading.themes import theme_chain
from mi_courseware.model import Course, Event, TimeRange


@dataclass(frozen=True)
class Window:
    """An event day's times and where they are written, for that day's overrun check."""

    times: TimeRange | None
    position: Position


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def event_windows(record: Record[Event] | None) -> list[Window]:
    """Each day's own times, for an event written with ``days`` (else none: ``times`` holds)."""
    if record is None or record.model.days is None:
        return []
    return [
        Window(day.times, record.position("days", index, *(("times",) if day.times else ())))
        for index, day in enumerate(record.model.days)
    ]


def event_info(record: Record[Event], project: Project) -> EventInfo:
    """The event as a whole: every date, the times all days share, the first day's place;
    trainers named by id are given by name."""
    event = record.model
    days = event.course_days()
    given = event.admin_contact.model_dump() if event.admin_contact else {}
    contact = AdminContact(**given)
    shared = {(d.times.start, d.times.end) if d.times else None for d in days}
    times = next(iter(shared)) if len(shared) == 1 else None
    first = days[0]
    return EventInfo(
        id=record.id,
        code=event.code,
        dates=tuple(d.date for d in days),
        times=Times(*times) if times else None,
        venue=first.venue,
        virtual=bool(first.virtual),
        trainers=trainer_names(project, event.trainers),
        admin_contact=contact,
        max_places=event.max_places,
        closing_date=event.closing_date,
        roster=(record.path.parent / event.roster) if event.roster else None,
    )


def place_days(
    record: Record[Event] | None, laid: Sequence[tuple[int, list[Slot]]], problems: Problems
) -> tuple[Day, ...]:
    """The edition's days, each with the event's date, times and place for it.

    An event with fewer days than the course is warned about (the later days have no date
    yet); one with more is an error.
    """
    given = record.model.course_days() if record is not None else []
    if record is not None and len(given) != len(laid):
        where = record.position(record.model.day_key())
        dates = _plural(len(given), "date")
        runs = f"the event has {dates} but the course runs on {_plural(len(laid), 'day')}"
        if len(given) > len(laid):
            problems.error(where, f"{runs}; give one date per day")
        else:
            missing = [str(n) for n in range(len(given) + 1, len(laid) + 1)]
            which = f"days {', '.join(missing[:-1])} and {missing[-1]}" if len(missing) > 1 else ""
            problems.warning(
                where, f"{runs}; {which or 'day ' + missing[0]} {_has(missing)} no date yet"
            )
    days = []
    for index, (_, slots) in enumerate(laid):
        if not slots:
            continue
        own = given[index] if index < len(given) else None
        days.append(
            Day(
                index + 1,
                own.date if own else None,
                slots[0].start,
                slots[-1].end,
                tuple(slots),
                venue=own.venue if own else None,
                virtual=bool(own.virtual) if own else False,
                window=Times(own.times.start, own.times.end) if own and own.times else None,
                link=own.link if own else None,
                joining=own.joining if own else None,
            )
        )
    return tuple(days)


def _has(items: list[str]) -> str:
    return "have" if len(items) > 1 else "has"


def event_participants(
    record: Record[Event],
    course: Record[Course],
    project: Project,
    day_count: int,
    problems: Problems,
) -> tuple[Participant, ...]:
    """The roster's people with the days they attended and whether they earn a certificate.

    Warns when the roster is empty or holds more people than the event has places, and
    reports a course that asks for more days than it runs.
    """
    event = record.model
    requires = course.model.certificate.requires
    if isinstance(requires, int) and requires > day_count:
        problems.error(
            course.position("certificate", "requires"),
            f"certificate.requires: {_plural(requires, 'day')}, but the course runs on "
            f"{_plural(day_count, 'day')}",
        )
    table = project.rosters.get(record.id)
    if table is None:  # no roster, or one that could not be read (reported as it was read)
        return ()
    before = len(problems.errors)
    table.beyond(day_count, problems)
    people = table.people
    if len(problems.errors) == before:
        if not people:
            problems.warning(record.position("roster"), "the roster lists nobody yet")
        if event.max_places is not None and len(people) > event.max_places:
            problems.warning(
                record.position("max_places"),
                f"the roster lists {len(people)} people but the event has "
                f"{_plural(event.max_places, 'place')}",
            )
    return assess(people, day_count, requires)


def check_printed_names(
    record: Record[Event],
    participants: Sequence[Participant],
    theme: str,
    project: Project,
    problems: Problems,
) -> None:
    """Warn at each name the event's documents print (the roster's on the sign-in sheet,
    the trainers' on the pack, flyer and quality report) that the theme's fonts cannot show.
    Certificates refuse such names when they are issued."""
    event = record.model
    names = [
        (record.position("trainers", i), n)
        for i, n in enumerate(trainer_names(project, event.trainers))
    ]
    roster = record.path.parent / event.roster if event.roster else None
    people = [(Position(roster, p.row, 1), p.name) for p in participants] if roster else []
    if all(name.isascii() for _, name in [*names, *people]):
        return  # every theme font has ASCII: no font need be opened
    fonts = theme_fonts(theme_chain(project, theme))
    found = name_glyph_problems(people, fonts, "the sign-in sheet")
    found += name_glyph_problems(names, fonts, "the pack, the flyer and the quality report")
    for problem in found:
        problems.warning(problem.position, problem.message)
