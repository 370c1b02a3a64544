"""An event: one run of a course for a client, with dates, place, trainers and roster."""

# pydantic copies a field's list or dict default for each instance; ruff cannot see that
# ``Model`` is a pydantic model, so its mutable-default rule does not apply here.
# ruff: noqa: RUF012

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from mi_courseware.model.base import TIME_PATTERN, Count, Id, Model, Text, Time


def _web_address(value: Any) -> Any:
    """An ``https://`` address with a host, on one line."""
    from urllib.parse import urlsplit

    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in text):
        raise ValueError(f"'{value}' is not a web address; write it as https://...")
    if any(ord(c) < 32 or ord(c) == 127 or c in '<>"' for c in text):
        raise ValueError(f"'{text}' has a character a web address may not hold")
    return text


WebAddress = Annotated[
    str,
    BeforeValidator(_web_address),
    WithJsonSchema({"type": "string", "pattern": "^https://", "format": "uri"}),
]
"""An ``https://`` address."""


def _parse_times(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    match = re.fullmatch(r"\s*(\d{1,2}[:.]\d{2})\s*[-–]\s*(\d{1,2}[:.]\d{2})\s*", str(value))
    if not match:
        raise ValueError(f"'{value}' is not a time range; write it as \"09:30-16:30\"")
    return {"start": match.group(1), "end": match.group(2)}


class TimeRange(Model):
    """Start and end of each day of an event."""

    start: Time
    """Start time."""
    end: Time
    """End time."""

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.end <= self.start:
            raise ValueError(f"end {self.end:%H:%M} must be later than start {self.start:%H:%M}")
        return self

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def minutes(self) -> int:
        """Length of the day in minutes."""
        return _minutes(self.end) - _minutes(self.start)


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


_CLOCK = {"type": "string", "pattern": f"^{TIME_PATTERN}$"}
#: Editors must accept both ways of writing ``times`` that :func:`_parse_times` reads.
_TIMES_SCHEMA = {
    "anyOf": [
        {
            "type": "string",
            "pattern": rf"^\s*{TIME_PATTERN}\s*[-–]\s*{TIME_PATTERN}\s*$",
            "examples": ["09:30-16:30"],
        },
        {
            "type": "object",
            "properties": {"start": _CLOCK, "end": _CLOCK},
            "required": ["start", "end"],
            "additionalProperties": False,
        },
    ]
}


TimesField = Annotated[TimeRange, BeforeValidator(_parse_times), WithJsonSchema(_TIMES_SCHEMA)]
"""An event's daily times, written ``"09:30-16:30"`` or as ``{start: ..., end: ...}``."""


class AdminContact(Model):
    """Who handles bookings and questions for the event."""

    name: Text | None = None
    """Name."""
    email: Text | None = None
    """Email address."""
    phone: Text | None = None
    """Telephone number."""

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        """``admin_contact: someone@example.org`` (as adverts show it): an email address,
        or a name when it is not one."""
        if isinstance(data, str):
            key = "email" if "@" in data and " " not in data.strip() else "name"
            return {key: data.strip()}
        return data


class EventDay(Model):
    """One day of an event, for events whose days differ in time or place."""

    date: date
    """The day's date, ``YYYY-MM-DD``."""
    times: TimesField | None = None
    """Start and end of this day, ``"10:00-11:30"``; default: the course's schedule."""
    venue: Text | None = None
    """Where this day takes place; default: the event's ``venue``."""
    virtual: bool | None = None
    """``true`` for a day held online; default: the event's ``virtual``."""
    link: WebAddress | None = None
    """For a day held online: the address participants join at (``https://...``). Only in
    the messages sent to booked participants (``send invitation``), never in the flyer or
    any other shared output."""
    joining: Text | None = None
    """For a day held online: how to join besides the link ("Meeting ID 123 456, passcode
    ..."). Like ``link``, only in messages to booked participants."""


class Event(Model):
    """One run of a course (``content/events/<id>.yaml``)."""

    course: Id
    """Id of the course taught."""
    variant: Id | None = None
    """Id of the course variant; default: the course's first variant."""
    addons: list[Id] = []
    """Ids of the add-ons included."""
    client: Id
    """Id of the client organisation."""
    theme: Id = "default"
    """Theme for every output."""
    code: Text | None = None
    """The event's own code, e.g. a booking reference."""
    dates: list[date] | None = Field(default=None, min_length=1)
    """One ISO date (``YYYY-MM-DD``) per course day, in order (or give ``days``)."""
    times: TimesField | None = None
    """Start and end of each day, ``"09:30-16:30"``; sessions must fit inside it."""
    days: list[EventDay] | None = Field(default=None, min_length=1)
    """Each course day with its own date, times and place, instead of ``dates`` and ``times``:
    ``[{date: 2027-04-14, times: "10:00-11:30", venue: ...}, {date: ..., virtual: true}]``."""
    venue: Text | None = None
    """Where it takes place (with ``days``: for each day that names no place of its own)."""
    virtual: bool = False
    """``true`` for an online event (with ``days``: for each day that does not say)."""
    trainers: list[Text] = []
    """The trainers: ids of ``content/trainers/`` files (written in lower case, no spaces;
    their accreditation and the client's licence are checked) or plain names (not checked)."""
    admin_contact: AdminContact | None = None
    """Who handles bookings."""
    max_places: Count | None = None
    """Number of places."""
    closing_date: date | None = None
    """Last day to book."""
    roster: Text | None = None
    """Participants CSV, relative to this file."""

    @field_validator("days")
    @classmethod
    def _one_form(cls, value: list[EventDay] | None, info: ValidationInfo) -> Any:
        if value is not None:
            mixed = [key for key in ("dates", "times") if info.data.get(key) is not None]
            if mixed:
                keys = " and ".join(f"'{k}'" for k in mixed)
                raise ValueError(
                    f"give either 'days' or {keys}, not both: 'days' sets each day's date and times"
                )
        return value

    @model_validator(mode="after")
    def _has_days(self) -> Event:
        if self.dates is None and self.days is None:
            raise ValueError("the event needs its 'dates' (with 'times'), or its 'days'")
        return self

    @model_validator(mode="after")
    def _joining_online(self) -> Event:
        """Joining details belong to a day held online."""
        for number, day in enumerate(self.days or [], start=1):
            if (day.link or day.joining) and not self._placed(day).virtual:
                raise ValueError(
                    f"day {number} ({day.date.isoformat()}) has joining details ('link' or "
                    "'joining') but is not held online: add 'virtual: true' to it"
                )
        return self

    def course_days(self) -> list[EventDay]:
        """Every day of the event with its date, times and place, whichever form it uses."""
        if self.days is not None:
            return [self._placed(day) for day in self.days]
        return [
            EventDay(date=when, times=self.times, venue=self.venue, virtual=self.virtual)
            for when in self.dates or []
        ]

    def _placed(self, day: EventDay) -> EventDay:
        """``day`` with the event's place where the day names none of its own."""
        if day.venue is not None:
            return day.model_copy(update={"virtual": bool(day.virtual)})
        if day.virtual:
            return day
        if day.virtual is False:
            return day.model_copy(update={"venue": self.venue})
        return day.model_copy(update={"venue": self.venue, "virtual": self.virtual})

    def day_key(self) -> str:
        """``days`` or ``dates``: the key under which this event's days are written."""
        return "days" if self.days is not None else "dates"

    evaluation_url: WebAddress | None = None
    """The address of the evaluation form the client hosts (Microsoft Forms, Google Forms):
    ``send evaluation`` gives it; without it, the evaluation form is attached."""

    evaluations: Text | None = None
    """Evaluation responses (CSV, or XLSX as Microsoft Forms and Google Forms export them),
    relative to this file; default: ``content/evaluations/<event id>.csv`` or ``.xlsx``."""
