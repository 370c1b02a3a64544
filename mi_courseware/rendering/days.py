"""Each course day as people read it: its date, clock times and place, in the edition's
language. Shared by the flyer, the sign-in sheet, the calendar and the pack."""

from __future__ import annotations

from dataclasses import dataclass

from mi_courseware.core.edition import Day, Edition
from mi_courseware.loading.i18n import Translator


@dataclass(frozen=True)
class DayLine:
    """One course day, written out."""

    number: int
    #: "Tuesday 9 March 2027", or "Date to be confirmed".
    date: str
    #: "9 March 2027", or "Date to be confirmed".
    short_date: str
    #: "09:30–12:30".
    times: str
    #: The venue, or "Online".
    place: str
    virtual: bool
    dated: bool


def place(day: Day, t: Translator) -> str:
    """Where ``day`` happens: its venue, else "Online" for a virtual day, else nothing."""
    if day.venue:
        return day.venue
    return t("online") if day.virtual else ""


def day_lines(edition: Edition, t: Translator) -> list[DayLine]:
    """Every day of ``edition`` with its date, times and place written out."""
    return [
        DayLine(
            number=day.number,
            date=t.date(day.date, weekday=True) if day.date else t("date_tbc"),
            short_date=t.date(day.date) if day.date else t("date_tbc"),
            times=str(day.times),
            place=place(day, t),
            virtual=day.virtual,
            dated=day.date is not None,
        )
        for day in edition.days
    ]
