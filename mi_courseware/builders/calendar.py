"""Calendar invitations: ``calendar.ics`` with one entry per course day (RFC 5545).

Times are local to ``Europe/London`` with its VTIMEZONE included, so a day after the clocks
change is at the right hour in every calendar. Each entry's UID comes from the event and the
day's number: sending the file again updates the entries instead of adding new ones.
``DTSTAMP`` is the build's time (``SOURCE_DATE_EPOCH`` when set), so two builds of the same
inputs give the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware import __version__
from mi_courseware.builders.base import Builder

if TYPE_CHECKING:
    from mi_courseware.core.edition import Edition

#: Where every course runs (the product serves UK organisations).
TIMEZONE = "Europe/London"


def day_uid(edition: Edition, number: int) -> str:
    """The calendar entry's UID for day ``number`` of the edition's event."""
    assert edition.event is not None
    return f"{edition.event.id}-day-{number}.{edition.brand.client_id}@mi-courseware"


def calendar_bytes(edition: Edition, stamp: datetime) -> bytes:
    """The ``.ics`` file for the edition's event: one VEVENT per dated course day."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event, vCalAddress, vText

    from mi_courseware.loading.i18n import Translator
    from mi_courseware.rendering.days import place

    event = edition.event
    assert event is not None
    t = Translator(list(edition.theme_dirs), edition.language)
    zone = ZoneInfo(TIMEZONE)
    calendar = Calendar()
    calendar.add("prodid", f"-//mi-courseware//mi-courseware {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", edition.title)
    calendar.add("x-wr-timezone", TIMEZONE)
    contact = ", ".join(event.admin_contact.parts)
    dated = [day for day in edition.days if day.date is not None]
    for day in dated:
        assert day.date is not None
        entry = Event()
        entry.add("uid", day_uid(edition, day.number))
        entry.add("dtstamp", stamp)
        entry.add("dtstart", datetime.combine(day.date, day.times.start, tzinfo=zone))
        entry.add("dtend", datetime.combine(day.date, day.times.end, tzinfo=zone))
        summary = edition.title
        if len(edition.days) > 1:
            summary += f" ({t('day_n_of', n=day.number, total=len(edition.days))})"
        entry.add("summary", summary)
        where = place(day, t)
        if where:
            entry.add("location", where)
        lines = [t("calendar_course", title=edition.title)]
        if event.code:
            lines.append(t("calendar_code", code=event.code))
        if contact:
            lines.append(t("calendar_contact", contact=contact))
        entry.add("description", "\n".join(lines))
        email = event.admin_contact.email
        if email:
            organizer = vCalAddress(f"mailto:{email}")
            if event.admin_contact.name:
                organizer.params["cn"] = vText(event.admin_contact.name)
            entry.add("organizer", organizer)
        entry.add("status", "CONFIRMED")
        entry.add("transp", "OPAQUE")
        calendar.add_component(entry)
    if dated:
        first, last = dated[0].date, dated[-1].date
        assert first is not None and last is not None
        # transitions of the years the course runs in: a small VTIMEZONE, the same every build
        calendar.add_missing_timezones(date(first.year, 1, 1), date(last.year + 1, 1, 1))
    data: bytes = calendar.to_ical()
    return data


class CalendarBuilder(Builder["Edition"]):
    """``calendar.ics``: an entry per course day, to send as an invitation."""

    name = "calendar"
    kept_after_event = True  # teaching material: a record of what was taught
    description = "calendar.ics"
    outputs = ("calendar.ics",)
    uses = ("course", "brand")
    theme_parts = ("i18n",)
    needs = "dated event"
    preload = ("icalendar", "mi_courseware.rendering.days")

    def build(self, target: Edition, out: Path) -> list[Path]:
        """Write the calendar file."""
        from mi_courseware.rendering.pdf import write_atomic

        path = out / self.outputs[0]
        write_atomic(path, calendar_bytes(target, self.context.time))
        return [path]
