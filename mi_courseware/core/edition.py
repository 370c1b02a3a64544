"""The Edition: one concrete, timed, branded run of a course, as every builder renders it.

Only plain dataclasses live here (no pydantic, no file reading), so an Edition is cheap to
import, pickle and hand to another process. :mod:`mi_courseware.resolving.edition` makes
Editions from a loaded project: course + variant + add-ons + client (+ event).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from mi_courseware.core.evaluation import Question, Responses
from mi_courseware.core.people import Participant
from mi_courseware.core.slides import SlideSpec


@dataclass(frozen=True)
class BrandColours:
    """The client's colours by role (``#rrggbb``)."""

    primary: str
    secondary: str
    accent: str


@dataclass(frozen=True)
class ContactDetails:
    """How participants reach the client."""

    address: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class AdminContact:
    """Who handles an event's bookings and questions: each detail ``None`` when not given
    (an event may write only an email address, ``admin_contact: training@...``)."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def parts(self) -> tuple[str, ...]:
        """The details given, in the order they are shown: name, email, phone."""
        return tuple(v for v in (self.name, self.email, self.phone) if v)

    def values(self) -> tuple[str, ...]:
        """The same as :attr:`parts`: templates copied into projects by earlier releases
        read the contact as a mapping's values."""
        return self.parts

    def __bool__(self) -> bool:
        return bool(self.parts)


@dataclass(frozen=True)
class SignatoryDetails:
    """Who signs certificates."""

    name: str
    role: str = ""
    signature: str | None = None


@dataclass(frozen=True)
class Times:
    """Start and end of each day of an event."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def minutes(self) -> int:
        """Length of the day in minutes."""
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class StandardUnit:
    """A unit of a standards framework that an outcome maps to."""

    framework: str
    framework_title: str
    publisher: str
    code: str
    title: str
    #: (framework's place in the project, unit's place in its catalogue), for sorting.
    order: tuple[int, int] = (0, 0)
    #: Why courses map to it when the fit is partial.
    note: str | None = None

    @property
    def ref(self) -> str:
        """``FRAMEWORK:CODE``."""
        return f"{self.framework}:{self.code}"


@dataclass(frozen=True)
class EditionOutcome:
    """A learning outcome this edition covers."""

    id: str
    text: str
    short: str
    standards: tuple[StandardUnit, ...]
    addon: str | None = None


@dataclass(frozen=True)
class Handout:
    """A handout or worksheet used by the edition."""

    id: str
    title: str
    kind: str
    summary: str | None
    body: str
    path: Path
    body_line: int


@dataclass(frozen=True)
class Page:
    """One of the client's extra pages for the pack."""

    title: str
    body: str
    path: Path
    body_line: int


@dataclass(frozen=True)
class EditionSession:
    """A session as delivered in this edition: numbered, dated and timed."""

    number: int
    id: str
    title: str
    minutes: int
    day: int
    start: time
    end: time
    outcomes: tuple[EditionOutcome, ...]
    body: str
    body_path: Path
    body_line: int
    notes: str | None
    handouts: tuple[Handout, ...]
    materials: tuple[str, ...]
    addon: str | None = None

    @property
    def times(self) -> str:
        """Clock times, e.g. ``09:30–10:15``."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class Slot:
    """A line of the timetable: a session or a break."""

    kind: str  # "session" | "break"
    title: str
    start: time
    end: time
    minutes: int
    session_id: str | None = None


@dataclass(frozen=True)
class Day:
    """One teaching day of the edition, with the event's date, times and place for it."""

    number: int
    date: date | None
    start: time
    end: time
    slots: tuple[Slot, ...]
    #: Where the day takes place (``None`` when online or not given).
    venue: str | None = None
    #: Whether the day is held online.
    virtual: bool = False
    #: The event's times for this day, when it gives them (sessions fit inside).
    window: Times | None = None
    #: For a day online: the address to join at. Private: only in messages to booked
    #: participants (:meth:`Edition.shared` leaves it out of every other output).
    link: str | None = None
    #: For a day online: how to join besides the link (meeting id, passcode). Private too.
    joining: str | None = None
    #: What :meth:`joining_key` was before the joining details were left out (a shared copy).
    joining_digest: str | None = None

    def joining_key(self) -> str:
        """A digest of the joining details (empty without any), the same in a shared copy
        that leaves them out: a change to them is a change to the day (its calendar entry's
        ``SEQUENCE`` moves on) without the details themselves being there."""
        if self.joining_digest is not None:
            return self.joining_digest
        if not (self.link or self.joining):
            return ""
        import hashlib

        return hashlib.sha256(f"{self.link or ''}\n{self.joining or ''}".encode()).hexdigest()

    @property
    def times(self) -> Times:
        """The day's clock times: the event's for this day, else its first to last slot."""
        return self.window or Times(self.start, self.end)


@dataclass(frozen=True)
class Brand:
    """The client's identity as every output uses it."""

    client_id: str
    name: str
    logo: Path | None
    logo_alt: str
    colours: BrandColours
    contact: ContactDetails
    signatory: SignatoryDetails | None
    signature: Path | None
    language: str
    pages: tuple[Page, ...]
    verify_url: str | None
    certificate_prefix: str
    folder: Path
    #: The address messages come from when it is not the account signing in (``sender:``).
    sender: str | None = None


@dataclass(frozen=True)
class EventInfo:
    """The run of the course this edition is for.

    ``times``, ``venue`` and ``virtual`` describe the event as a whole: the times every day
    shares (``None`` when days differ) and the first day's place. Each day's own date, times
    and place are on :attr:`Edition.days`.
    """

    id: str
    code: str | None
    dates: tuple[date, ...]
    times: Times | None
    venue: str | None
    virtual: bool
    trainers: tuple[str, ...]
    admin_contact: AdminContact
    max_places: int | None
    closing_date: date | None
    roster: Path | None


@dataclass(frozen=True)
class ReadingItem:
    """One item of the course's further reading."""

    title: str
    by: str | None = None
    year: str | None = None
    details: str | None = None
    note: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class AddOnInfo:
    """An add-on included in the edition."""

    id: str
    title: str
    summary: str


@dataclass(frozen=True)
class Edition:
    """Everything a builder needs, resolved, ordered, timed and branded."""

    course_id: str
    course_title: str
    title: str
    variant_id: str | None
    variant_title: str | None
    summary: str
    audience: tuple[str, ...]
    prior_knowledge: str | None
    delivery: str
    addons: tuple[AddOnInfo, ...]
    brand: Brand
    event: EventInfo | None
    theme: str
    language: str
    days: tuple[Day, ...]
    sessions: tuple[EditionSession, ...]
    outcomes: tuple[EditionOutcome, ...]
    handouts: tuple[Handout, ...]
    cpd_hours: float
    taught_minutes: int
    feedback: tuple[tuple[str, str], ...]
    participants: tuple[Participant, ...]
    slug: str
    project_root: Path
    sources: tuple[Path, ...] = field(default=())
    #: The files it was made from, by the part they play: ``course`` (course, add-ons,
    #: event), ``text`` (modules, handouts, client pages), ``images`` (pictures the text
    #: shows), ``brand`` (client file, logo, signature), ``roster`` and ``evaluations`` (the
    #: event's response file). Each output is rebuilt when a file of a part it uses changes.
    inputs: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    #: The theme's folder and those of the themes it extends, nearest first.
    theme_dirs: tuple[Path, ...] = ()
    #: The theme's options merged over its parents'.
    theme_options: dict[str, Any] = field(default_factory=dict)
    #: Attendance that earns a certificate: ``all-days``, ``any-day`` or a number of days.
    certificate_requires: str | int = "all-days"
    #: Further reading, in the course's order.
    reading: tuple[ReadingItem, ...] = ()
    #: The evaluation form's questions (the theme's, then the course's own).
    questions: tuple[Question, ...] = ()
    #: The event's evaluation responses, when it has a response file.
    responses: Responses | None = None
    #: The slide layouts the deck uses (the client's own or its theme's), as checked.
    slides: SlideSpec | None = None
    #: Markdown: what to do or bring before the first day (the course's ``preparation``).
    preparation: str | None = None
    #: Whether invitations carry the participant pack (the course's ``attach_pack``).
    attach_pack: bool = False
    #: The evaluation form the client hosts (the event's ``evaluation_url``).
    evaluation_url: str | None = None

    @property
    def units(self) -> tuple[StandardUnit, ...]:
        """Every standard unit the edition's outcomes map to, in catalogue order."""
        seen: dict[str, StandardUnit] = {}
        for outcome in self.outcomes:
            for unit in outcome.standards:
                seen.setdefault(unit.ref, unit)
        return tuple(sorted(seen.values(), key=lambda u: u.order))

    @property
    def dates(self) -> tuple[date, ...]:
        """The event's dates, or none."""
        return self.event.dates if self.event else ()

    @property
    def last_day(self) -> date | None:
        """The event's last day, when every course day has its date (else ``None``: the
        event is not over until its last day is known)."""
        if self.event is None or not self.days or any(d.date is None for d in self.days):
            return None
        return max(d.date for d in self.days if d.date is not None)

    def shared(self) -> Edition:
        """This edition without what is private to each participant: the days' joining
        details and the roster's email addresses. Every output but a participant's own
        (their messages, their certificate) is made from this."""
        if not any(d.link or d.joining for d in self.days) and not any(
            p.email for p in self.participants
        ):
            return self
        return replace(
            self,
            days=tuple(
                replace(d, link=None, joining=None, joining_digest=d.joining_key())
                for d in self.days
            ),
            participants=tuple(replace(p, email=None) for p in self.participants),
        )

    def ended(self, when: datetime) -> bool:
        """Whether the event's last day has passed at ``when`` (its UTC date is later):
        from then on, the roster's attendance is final and certificates are issued."""
        last = self.last_day
        return last is not None and when.date() > last


@dataclass(frozen=True)
class Selection:
    """What to build: ids as given on the command line or by an event."""

    course: str
    variant: str | None = None
    addons: tuple[str, ...] = ()
    client: str | None = None
    event: str | None = None
    theme: str | None = None
