"""Calendar invitations: ``calendar.ics`` with one entry per course day (RFC 5545).

Times are local to ``Europe/London`` with its VTIMEZONE included, so a day after the clocks
change is at the right hour in every calendar. Each entry's UID comes from the event and the
day's number, and its ``SEQUENCE`` moves on whenever the day's details change (remembered in
the certificate register: :mod:`mi_courseware.register.calendar`): sending the file again
updates the entries instead of adding new ones. ``calendar.ics`` is published
(``METHOD:PUBLISH``); the personal invitation ``send invitation`` attaches
(:func:`invitation_bytes`) has the same UIDs and sequences, ``METHOD:REQUEST``, the event's
admin contact as ORGANIZER and the participant as ATTENDEE, and only it holds the joining
details of an online day. ``DTSTAMP`` is the build's time (``SOURCE_DATE_EPOCH`` when set),
so two builds of the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware import __version__
from mi_courseware.builders.base import BuildContext, Builder

if TYPE_CHECKING:
    from mi_courseware.core.edition import Day, Edition
    from mi_courseware.core.people import Participant
    from mi_courseware.loading.i18n import Translator

#: Where every course runs (the product serves UK organisations).
TIMEZONE = "Europe/London"


def day_uid(edition: Edition, number: int) -> str:
    """The calendar entry's UID for day ``number`` of the edition's event."""
    assert edition.event is not None
    return f"{edition.event.id}-day-{number}.{edition.brand.client_id}@mi-courseware"


def organizer(edition: Edition) -> tuple[str, str | None] | None:
    """Who organises the event, as its calendar entries say: the admin contact's email (and
    name), else the client's contact email; ``None`` when there is neither."""
    assert edition.event is not None
    contact = edition.event.admin_contact
    if contact.email:
        return contact.email, contact.name
    if edition.brand.contact.email:
        return edition.brand.contact.email, edition.brand.name or None
    return None


def _details(edition: Edition, day: Day, t: Translator) -> dict[str, Any]:
    """What a day's entry says (besides its UID, stamp and sequence), public details only."""
    from mi_courseware.rendering.days import place

    event = edition.event
    assert event is not None and day.date is not None
    summary = edition.title
    if len(edition.days) > 1:
        summary += f" ({t('day_n_of', n=day.number, total=len(edition.days))})"
    lines = [t("calendar_course", title=edition.title)]
    if event.code:
        lines.append(t("calendar_code", code=event.code))
    contact = ", ".join(event.admin_contact.parts)
    if contact:
        lines.append(t("calendar_contact", contact=contact))
    return {
        "date": day.date.isoformat(),
        "start": f"{day.times.start:%H:%M}",
        "end": f"{day.times.end:%H:%M}",
        "summary": summary,
        "location": place(day, t),
        "description": lines,
        "organizer": organizer(edition),
    }


def day_digests(edition: Edition) -> dict[int, str]:
    """A digest of each dated day's details (its joining details among them, by their own
    digest): a change to one moves its entry's ``SEQUENCE`` on."""
    from mi_courseware.loading.i18n import Translator

    t = Translator(list(edition.theme_dirs), edition.language)
    found = {}
    for day in edition.days:
        if day.date is None:
            continue
        details = {**_details(edition, day, t), "joining": day.joining_key()}
        text = json.dumps(details, sort_keys=True, ensure_ascii=False)
        found[day.number] = hashlib.sha256(text.encode()).hexdigest()
    return found


def sequences(edition: Edition, context: BuildContext) -> dict[int, int]:
    """Each dated day's ``SEQUENCE``, from the register (recorded when it moves on)."""
    from mi_courseware.builders.certificates import register_of
    from mi_courseware.register import stamp
    from mi_courseware.register.calendar import settle_sequences
    from mi_courseware.register.engine import key_folder
    from mi_courseware.register.store import Register

    assert edition.event is not None
    location = register_of(context, edition)
    with Register(location, keys=key_folder(location, edition.project_root)) as register:
        return settle_sequences(
            register, edition.event.id, day_digests(edition), stamp(context.time)
        )


def calendar_bytes(
    edition: Edition,
    stamp: datetime,
    numbers: dict[int, int] | None = None,
    attendee: Participant | None = None,
) -> bytes:
    """The ``.ics`` file for the edition's event: one VEVENT per dated course day, each with
    its ``SEQUENCE`` from ``numbers`` (0 when not given). With ``attendee``: their personal
    invitation (``METHOD:REQUEST``, joining details included), else the published file."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event, vCalAddress, vText

    from mi_courseware.loading.i18n import Translator

    assert edition.event is not None
    t = Translator(list(edition.theme_dirs), edition.language)
    zone = ZoneInfo(TIMEZONE)
    calendar = Calendar()
    calendar.add("prodid", f"-//mi-courseware//mi-courseware {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST" if attendee is not None else "PUBLISH")
    calendar.add("x-wr-calname", edition.title)
    calendar.add("x-wr-timezone", TIMEZONE)
    dated = [day for day in edition.days if day.date is not None]
    for day in dated:
        assert day.date is not None
        details = _details(edition, day, t)
        entry = Event()
        entry.add("uid", day_uid(edition, day.number))
        entry.add("sequence", (numbers or {}).get(day.number, 0))
        entry.add("dtstamp", stamp)
        entry.add("dtstart", datetime.combine(day.date, day.times.start, tzinfo=zone))
        entry.add("dtend", datetime.combine(day.date, day.times.end, tzinfo=zone))
        entry.add("summary", details["summary"])
        lines = list(details["description"])
        location = details["location"]
        if attendee is not None and (day.link or day.joining):
            lines += [line for line in (day.link, day.joining) if line]
            location = day.link or location
        if location:
            entry.add("location", location)
        entry.add("description", "\n".join(lines))
        if details["organizer"] is not None:
            email, name = details["organizer"]
            who = vCalAddress(f"mailto:{email}")
            if name:
                who.params["cn"] = vText(name)
            entry.add("organizer", who)
        if attendee is not None and attendee.email:
            guest = vCalAddress(f"mailto:{attendee.email}")
            guest.params.update(
                {"cn": vText(attendee.name), "role": "REQ-PARTICIPANT", "rsvp": "TRUE"}
            )
            guest.params["partstat"] = "NEEDS-ACTION"
            entry.add("attendee", guest)
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


def invitation_bytes(
    edition: Edition, person: Participant, stamp: datetime, numbers: dict[int, int]
) -> bytes:
    """``person``'s own invitation: the entries of ``calendar.ics`` (same UIDs, same
    sequences) as a request to them, with the joining details of online days."""
    return calendar_bytes(edition, stamp, numbers, attendee=person)


class CalendarBuilder(Builder["Edition"]):
    """``calendar.ics``: an entry per course day, to publish or send as an invitation."""

    name = "calendar"
    kept_after_event = True  # teaching material: a record of what was taught
    description = "calendar.ics"
    outputs = ("calendar.ics",)
    uses = ("course", "brand")
    theme_parts = ("i18n",)
    needs = "dated event"
    preload = ("icalendar", "mi_courseware.rendering.days")
    aside = True

    def build(self, target: Edition, out: Path) -> list[Path]:
        """Write the calendar file, each entry with its sequence from the register."""
        from mi_courseware.rendering.pdf import write_atomic

        path = out / self.outputs[0]
        numbers = sequences(target, self.context)
        write_atomic(path, calendar_bytes(target, self.context.time, numbers))
        return [path]
