"""Events and rosters the demo never has, for the property tests (tests/test_generated_events.py).

An :class:`EventPlan` is what hypothesis draws: 1 to 5 days, each in a room or online, with
times and places varying; optional fields on or off; a roster of 0 to 60 people with long,
accented, apostrophe and hyphenated names and every attendance pattern; fewer or more
evaluation responses than attendees. :func:`write_plan` writes it into a project (a course
with sessions on each of its days, its event, the roster and the responses), so that the same
plan can be read and resolved in the test process or built whole by the command.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml
from hypothesis import strategies as st

from mi_courseware.core.evaluation import RANGES

EVENT = "gen"
MAX_DAYS = 5
MAX_ROSTER = 60
#: Letters of the names and places: Welsh, Irish, Polish, French, Nordic and German ones
#: among them, all of which the themes' fonts have.
LETTERS = "abcdefghijklmnopqrstuvwyzâêîôûŵŷáéíóúàèëïöüçłńśżñøåß"
PLACES = [
    "Town Hall",
    "Tŷ Glas, Ystafell 2",
    "Meeting Room 1, Station Road Community Hub, Upper Floor (lift from the car park)",
    "Salle Étoile, Maison de la Santé",
    "O'Connell Centre",
    "Caffi'r Cei",
]
OUTCOMES = (
    "Describe the spirit of motivational interviewing",
    "Use open questions, affirmations, reflections and summaries in a conversation",
)
#: Clauses the outcomes and the sessions' bullets are made of, a sentence or a long line each.
CLAUSES = [
    "Practise open questions and reflective listening with people who are unsure about change",
    "plan how to keep practising",
    "Notice change talk.",
    "Respond to sustain talk and discord without arguing, and roll with it when it comes",
    "Summarise what you heard; then ask what the person makes of it",
    "Écouter d'abord!",
    "Gwrando'n dda ar bobl sy'n ansicr ynghylch newid, a chynllunio sut i ddal ati i ymarfer",
]


@dataclass(frozen=True)
class DayPlan:
    """One day: its date's distance from the day before, its times and its place."""

    gap: int  # days after the day before (the first: after the base date)
    start: int  # minutes after midnight
    length: int  # minutes
    venue: str | None  # None: online
    sessions: int  # sessions taught that day


@dataclass(frozen=True)
class EventPlan:
    """Everything an event, its course, roster and responses are written from."""

    days: tuple[DayPlan, ...]
    short_form: bool = False  # dates + times + venue, not a list of days (when they allow it)
    code: str | None = None
    trainers: tuple[str, ...] = ()
    contact: object = None  # admin_contact as written (a bare email, a record...)
    max_places: int | None = None
    closing: bool = False
    language: str = "en"
    theme: str = "default"
    #: Each person: name, and their attendance of each day ("yes", "no" or "").
    roster: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    #: Responses more (positive) or fewer than those who attended; None: no response file.
    responses: int | None = None
    #: The course's outcomes, and the bullets of each session's text (the deck's slides).
    outcomes: tuple[str, ...] = OUTCOMES
    bullets: tuple[str, ...] = ()
    split_names: bool = False  # the roster's name in First name and Last name columns
    extra: bool = False  # columns the tool does not use, as a booking system exports
    notes: dict[str, str] = field(default_factory=dict)

    def dates(self, base: date = date(2027, 3, 1)) -> list[date]:
        """Each day's date (weekdays, in order)."""
        found, day = [], base
        for plan in self.days:
            day += timedelta(days=plan.gap)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            found.append(day)
        return found

    def attending(self) -> int:
        """How many the roster counts as attending: any day not marked ``no`` (a blank cell
        means yes)."""
        return sum(1 for _, marks in self.roster or () if set(marks) != {"no"})


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _word(min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[str]:
    # a capital from these (a capital  or Ã before a space is how a wrong encoding shows,
    # which the roster's reader rightly asks about), the rest from every letter
    first = st.sampled_from("ABCDEFGHIJKLMNOPRSTWYŁÉÓØŚŻ")
    rest = st.text(st.sampled_from(LETTERS), min_size=min_size - 1, max_size=max_size - 1)
    return st.tuples(first, rest).map("".join)


def _surname() -> st.SearchStrategy[str]:
    return st.one_of(
        _word(),
        st.tuples(_word(), _word()).map("-".join),  # double-barrelled
        _word().map(lambda w: f"O'{w}"),
        _word().map(lambda w: f"D'{w}"),
        st.tuples(_word(1, 20), _word(1, 20), _word(1, 20)).map(lambda p: f"{p[0]} {p[1]}-{p[2]}"),
    )


names = st.tuples(_word(1, 14), _surname()).map(" ".join)
#: A line of text: one to four clauses, as one sentence or several.
lines = st.lists(st.sampled_from(CLAUSES), min_size=1, max_size=4).map(
    lambda clauses: (
        " ".join(c if c.endswith((".", "!")) else f"{c}." for c in clauses)
        if len(clauses) % 2
        else ", and ".join(c.rstrip(".!") for c in clauses) + "."
    )
)


@st.composite
def day_plans(draw: st.DrawFn) -> DayPlan:
    """One day: a weekday soon after the one before, starting 07:00-10:45, 3-8 hours long."""
    return DayPlan(
        gap=draw(st.integers(1, 30)),
        start=draw(st.integers(28, 43)) * 15,
        length=draw(st.integers(12, 32)) * 15,
        venue=draw(st.one_of(st.none(), st.sampled_from(PLACES))),
        sessions=draw(st.integers(1, 3)),
    )


@st.composite
def event_plans(draw: st.DrawFn, max_outcomes: int = 10) -> EventPlan:
    """An event as a trainer may write it, with its roster and responses."""
    days = tuple(draw(st.lists(day_plans(), min_size=1, max_size=MAX_DAYS)))
    same = len({(d.start, d.length, d.venue) for d in days}) == 1
    roster = None
    if draw(st.booleans()):
        size = draw(st.one_of(st.integers(0, 3), st.integers(0, MAX_ROSTER)))
        people = draw(st.lists(names, min_size=size, max_size=size, unique_by=str.casefold))
        marks = st.tuples(*[st.sampled_from(["yes", "no", ""]) for _ in days])
        roster = tuple((name, draw(marks)) for name in people)
    responses = None
    if roster is not None and draw(st.integers(0, 2)):
        responses = draw(st.one_of(st.integers(-len(roster), 0), st.integers(1, 4)))
    return EventPlan(
        days=days,
        short_form=same and draw(st.booleans()),
        code=draw(st.one_of(st.none(), st.just("HHA/MI-2610"))),
        trainers=tuple(draw(st.lists(names, max_size=3, unique=True))),
        contact=draw(
            st.sampled_from(
                [
                    None,
                    "training@example.org",
                    {"name": "Siân Ní Bhriain", "email": "sian@example.org"},
                    {"name": "Gemma Thornley", "email": "g@example.org", "phone": "01632 960778"},
                ]
            )
        ),
        max_places=draw(st.one_of(st.none(), st.integers(1, 80))),
        closing=draw(st.booleans()),
        language=draw(st.sampled_from(["en", "cy"])),
        theme=draw(st.sampled_from(["default", "large-print"])),
        roster=roster,
        responses=responses,
        outcomes=tuple(draw(st.lists(lines, min_size=1, max_size=max_outcomes, unique=True))),
        bullets=tuple(draw(st.lists(lines, max_size=12))),
        split_names=draw(st.booleans()),
        extra=draw(st.booleans()),
    )


def _course(plan: EventPlan) -> str:
    sessions = []
    taught = iter(range(10**6))
    body = "\n".join(["What we will practise:", "", *(f"- {line}" for line in plan.bullets)])
    for number, day in enumerate(plan.days, 1):
        for index in range(day.sessions):
            # every outcome taught by some session (else a warning the user did not cause)
            outcomes = [f"o{next(taught) % len(plan.outcomes)}"]
            if number == len(plan.days) and index == day.sessions - 1:
                outcomes = [f"o{n}" for n in range(len(plan.outcomes))]
            content = {"module": "skills"} if index == 0 or not plan.bullets else {"body": body}
            sessions.append(
                {
                    "id": f"d{number}s{index}",
                    "title": f"Practice {number}.{index + 1}",
                    "minutes": 45,
                    "outcomes": outcomes,
                    **content,
                    "day": number,
                }
            )
    course = {
        "title": "Generated Course",
        "outcomes": [{"id": f"o{n}", "text": text} for n, text in enumerate(plan.outcomes)],
        "sessions": sessions,
        "schedule": {"start": "09:00", "end": "17:00"},
        "certificate": {"cpd_hours": 3 * len(plan.days)},
    }
    return yaml.safe_dump(course, allow_unicode=True, sort_keys=False)


def _event(plan: EventPlan, questions: object) -> str:
    dates = plan.dates()
    event: dict[str, object] = {"course": "generated", "client": "gen-client"}
    if plan.theme != "default":
        event["theme"] = plan.theme
    if plan.code:
        event["code"] = plan.code
    first = plan.days[0]
    times = f"{_clock(first.start)}-{_clock(first.start + first.length)}"
    if plan.short_form:
        event["dates"] = [d.isoformat() for d in dates]
        event["times"] = times
        event.update({"venue": first.venue} if first.venue else {"virtual": True})
    else:
        event["days"] = [
            {
                "date": when.isoformat(),
                "times": f"{_clock(d.start)}-{_clock(d.start + d.length)}",
                **({"venue": d.venue} if d.venue else {"virtual": True}),
            }
            for d, when in zip(plan.days, dates, strict=True)
        ]
    if plan.trainers:
        event["trainers"] = list(plan.trainers)
    if plan.contact is not None:
        event["admin_contact"] = plan.contact
    if plan.max_places is not None:
        event["max_places"] = plan.max_places
    if plan.closing:
        event["closing_date"] = (dates[0] - timedelta(days=1)).isoformat()
    if plan.roster is not None:
        event["roster"] = f"../rosters/{EVENT}.csv"
    if plan.responses is not None and questions is not None:
        event["evaluations"] = f"../evaluations/{EVENT}.csv"
    return yaml.safe_dump(event, allow_unicode=True, sort_keys=False)


def _roster(plan: EventPlan) -> str:
    several = len(plan.days) > 1
    marks = [f"day {n}" for n in range(1, len(plan.days) + 1)] if several else ["attended"]
    names = ["First name", "Last name"] if plan.split_names else ["name"]
    extra = ["Booking reference", "Dietary needs"] if plan.extra else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*names, "email", *marks, *extra])
    for index, (name, attended) in enumerate(plan.roster or ()):
        given = name.split(" ", 1) if plan.split_names else [name]
        booked = ["BK-1", ""] if extra else []
        writer.writerow([*given, f"p{index}@example.org", *attended, *booked])
    return out.getvalue()


def _responses(plan: EventPlan, questions: list[tuple[str, str]]) -> str:
    count = max(1, plan.attending() + (plan.responses or 0))  # a file of no rows is an error
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([text for text, _ in questions])
    for row in range(count):
        writer.writerow(
            [
                "Mwy o ymarfer, plîs" if kind not in RANGES else str(RANGES[kind][row % 2])
                for _, kind in questions
            ]
        )
    return out.getvalue()


def write_plan(root: Path, plan: EventPlan, questions: list[tuple[str, str]] | None) -> None:
    """Write ``plan`` into the project at ``root`` (replacing the previous plan's files);
    ``questions``: the event's evaluation questions (words, kind), the responses' headers
    (``None``: no response file yet, the questions being read from the event first)."""
    content = root / "content"
    for folder in ("courses", "events", "rosters", "evaluations"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    client = content / "clients" / "gen-client" / "client.yaml"
    client.parent.mkdir(parents=True, exist_ok=True)
    client.write_text(
        f"name: Cwmni Hyfforddi Ffugiol\nlanguage: {plan.language}\n", encoding="utf-8"
    )
    (content / "courses" / "generated.yaml").write_text(_course(plan), encoding="utf-8")
    (content / "events" / f"{EVENT}.yaml").write_text(_event(plan, questions), encoding="utf-8")
    roster = content / "rosters" / f"{EVENT}.csv"
    responses = content / "evaluations" / f"{EVENT}.csv"
    roster.unlink(missing_ok=True)
    responses.unlink(missing_ok=True)
    if plan.roster is not None:
        roster.write_text(_roster(plan), encoding="utf-8")
    if plan.responses is not None and questions is not None:
        responses.write_text(_responses(plan, questions), encoding="utf-8")
