"""A participant as read from a roster: plain data, cheap to pickle and pass between processes.

The roster's file format is documented by :class:`mi_courseware.model.participant.RosterRow`;
:mod:`mi_courseware.loading.roster` reads and checks each row into a :class:`Participant`.
:func:`assess` counts the course days each person attended and whether that earns a
certificate under the course's rule (``all-days``, ``any-day`` or a number of days).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

#: What a course asks of attendance when it says nothing.
EVERY_DAY = "all-days"


@dataclass(frozen=True)
class Participant:
    """One person on a roster."""

    name: str
    email: str | None = None
    organisation: str | None = None
    role: str | None = None
    id: str | None = None
    #: The ``attended`` column (blank means yes): ``no`` means no day at all.
    attended: bool = True
    row: int = 0
    #: The roster's ``day N`` columns as written: (day number, attended that day).
    marks: tuple[tuple[int, bool], ...] = ()
    #: The course days attended, counted by :func:`assess`.
    days: tuple[int, ...] = ()
    #: Whether the days attended earn a certificate, decided by :func:`assess`.
    qualifies: bool = True

    @property
    def identity(self) -> str:
        """Who this is within an event: ``id``, else ``email``, else the folded name."""
        if self.id:
            return f"id:{self.id.strip()}"
        if self.email:
            return f"email:{self.email.strip().casefold()}"
        return "name:" + " ".join(self.name.split()).casefold()

    def attended_days(self, count: int) -> tuple[int, ...]:
        """Which of a course's ``count`` days this person attended.

        A ``day N`` column says so for day N; without one, ``attended`` speaks for every day.
        """
        if not self.attended:
            return ()
        marks = dict(self.marks)
        return tuple(day for day in range(1, count + 1) if marks.get(day, True))


def days_needed(requires: str | int, count: int) -> int:
    """How many of ``count`` course days earn a certificate under ``requires``."""
    if requires == EVERY_DAY:
        return count
    if requires == "any-day":
        return 1 if count else 0
    return int(requires)


def shortfall(person: Participant, requires: str | int, count: int) -> str | None:
    """Why ``person`` (already assessed) earns no certificate, or ``None`` when they do."""
    if person.qualifies:
        return None
    if not person.days:
        return "attended no day"
    attended = ", ".join(str(d) for d in person.days)
    label = "day" if len(person.days) == 1 else "days"
    if requires == EVERY_DAY:
        rule = f"the course requires all {count} days"
    else:
        needed = days_needed(requires, count)
        rule = f"the course requires {needed} day{'s' if needed != 1 else ''}"
    return f"attended {label} {attended} of {count}; {rule}"


def assess(
    people: Iterable[Participant], count: int, requires: str | int = EVERY_DAY
) -> tuple[Participant, ...]:
    """Each person with the days they attended and whether they earn a certificate."""
    needed = days_needed(requires, count)
    assessed = []
    for person in people:
        days = person.attended_days(count)
        qualifies = person.attended and len(days) >= max(needed, 1 if count else 0)
        assessed.append(replace(person, days=days, qualifies=qualifies))
    return tuple(assessed)
