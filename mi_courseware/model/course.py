"""A course: its outcomes, sessions, daily schedule, variants and certificate settings."""

# pydantic copies a field's list or dict default for each instance; ruff cannot see that
# ``Model`` is a pydantic model, so its mutable-default rule does not apply here.
# ruff: noqa: RUF012

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from mi_courseware.model.base import Count, Id, Model, Text, Time

StandardRef = Text
"""A standard a learning outcome maps to, written ``FRAMEWORK:CODE`` (e.g. ``DANOS:AI1``)."""


class Outcome(Model):
    """A learning outcome: what participants will be able to do afterwards."""

    id: Id
    """Identifier used by sessions' ``outcomes:`` lists; unique within the course."""
    text: Text
    """The outcome as participants read it, e.g. "Describe the spirit of MI"."""
    short: Text | None = Field(default=None, max_length=80)
    """A short form (60 characters or so) for certificates; defaults to ``text``."""
    standards: list[StandardRef] = []
    """Standards this outcome gives some knowledge for, as ``FRAMEWORK:CODE``."""


class Session(Model):
    """One taught session of a course or add-on."""

    id: Id
    """Identifier used by variants, breaks and add-ons; unique within the course."""
    title: Text
    """The session's title, as printed in the timetable and on its opening page."""
    minutes: Count
    """Taught length in minutes (breaks are separate)."""
    outcomes: list[Id] = []
    """Ids of the outcomes this session teaches."""
    module: Id | None = None
    """Id of a module in ``content/modules/<id>.md`` holding the session's text."""
    body: Text | None = None
    """Inline Markdown for the session's text, instead of ``module``."""
    handouts: list[Id] = []
    """Ids of handouts and worksheets in ``content/handouts/<id>.md`` used in this session."""
    notes: Text | None = None
    """Trainer notes (Markdown): facilitator guide and speaker notes only, never the pack."""
    materials: list[Text] = []
    """What the trainer needs to hand for this session (flipchart, cards, ...)."""
    day: Count = 1
    """The course day this session belongs to, for courses of several days."""

    @model_validator(mode="after")
    def _one_source(self) -> Session:
        if self.module and self.body:
            raise ValueError(f"session '{self.id}' has both 'module' and 'body'; keep one")
        if not self.module and not self.body:
            raise ValueError(f"session '{self.id}' needs its text: a 'module' id or a 'body'")
        return self


class Break(Model):
    """A break or lunch, placed after a session."""

    after: Id
    """Id of the session the break follows; skipped when a variant leaves that session out."""
    minutes: Count
    """Length in minutes."""
    kind: Literal["break", "lunch"] = "break"
    """A ``break`` or ``lunch``: names it in the timetable when it has no ``title``."""
    title: Text | None = None
    """What the timetable calls it; default: the theme's word for its ``kind`` ("Break",
    "Lunch") in the client's language, so a Welsh client's timetable is Welsh throughout."""


class Schedule(Model):
    """The teaching day: when it starts and ends, and its breaks."""

    start: Time
    """Start of teaching each day, ``HH:MM``."""
    end: Time
    """Latest end of teaching each day, ``HH:MM``; sessions and breaks must fit before it."""
    breaks: list[Break] = []
    """Breaks and lunch, each placed after a session."""

    @model_validator(mode="after")
    def _ordered(self) -> Schedule:
        if self.end <= self.start:
            raise ValueError(f"end {self.end:%H:%M} must be later than start {self.start:%H:%M}")
        return self


class Variant(Model):
    """One pack made from the course's sessions (e.g. an introduction and an in-depth day)."""

    title: Text
    """Title printed on this variant's outputs."""
    summary: Text | None = None
    """Markdown summary of this variant; defaults to the course summary."""
    sessions: list[Id] = Field(min_length=1)
    """Ids of the sessions it includes, in delivery order."""
    outcomes: list[Id] | None = None
    """Outcomes this variant claims; default: those its sessions teach."""
    schedule: Schedule | None = None
    """A schedule of its own, replacing the course's."""


def _attendance_rule(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.strip() in ("all-days", "any-day"):
        return value.strip()
    raise ValueError(
        f"{value!r} is not a rule for certificates; write all-days, any-day or a number of days"
    )


AttendanceRule = Annotated[
    str | int,
    BeforeValidator(_attendance_rule),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "enum": ["all-days", "any-day"]},
                {"type": "integer", "minimum": 1},
            ]
        }
    ),
]
"""``all-days``, ``any-day`` or a number of days."""


class CertificateSettings(Model):
    """How certificates for this course are worded, and who earns one."""

    cpd_hours: float | None = Field(default=None, gt=0, le=200)
    """CPD hours printed on certificates; default: taught minutes / 60, breaks excluded."""
    requires: AttendanceRule = "all-days"
    """Attendance that earns a certificate: ``all-days`` (every course day), ``any-day``, or a
    number of days. Rosters record days with ``day 1``, ``day 2``, ... columns."""


class Feedback(Model):
    """A quote from an earlier participant, for the pack's back cover and flyers."""

    quote: Text
    """What they said."""
    by: Text
    """Who said it, by role only (e.g. "Youth worker"): every client's pack carries these
    quotes, so never name the organisation or place they came from."""


class Reading(Model):
    """One item on the pack's further-reading page: a book, a tool or a study."""

    title: Text
    """Its title, e.g. "Motivational Interviewing: Helping People Change and Grow"."""
    by: Text | None = None
    """Authors or editors, e.g. "Miller, W. R. and Rollnick, S."."""
    year: Text | None = None
    """Year of publication (or of the version meant), e.g. ``2023``."""
    details: Text | None = None
    """Publisher, journal, edition or version, e.g. "4th edition, Guilford Press"."""
    note: Text | None = None
    """One sentence on why it is worth reading."""
    group: Text | None = None
    """A heading shared by consecutive items (e.g. "Books", "Studies")."""


def _plain_dash(value: Any) -> Any:
    return value.replace("–", "-").replace(" ", "") if isinstance(value, str) else value


QuestionKind = Annotated[Literal["1-5", "0-10", "text"], BeforeValidator(_plain_dash)]
"""How a question is answered: ``1-5`` (a rating, 5 best), ``0-10`` (a score) or ``text``."""


class EvaluationQuestion(Model):
    """A question of the course's own on its evaluation form."""

    id: Id
    """Identifier, unique among the course's questions."""
    text: Text
    """The question as the form words it; also the response file's column header."""
    kind: QuestionKind
    """``1-5`` (circle a number: 1 strongly disagree, 5 strongly agree), ``0-10`` or
    ``text`` (a free answer)."""


class EvaluationSettings(Model):
    """The course's evaluation form: the theme's questions, then these."""

    questions: list[EvaluationQuestion] = []
    """Questions of the course's own, asked after the theme's ratings and confidence
    scores and before its open questions."""


class Course(Model):
    """A course definition (``content/courses/<id>.yaml``)."""

    title: Text
    """The course's title."""
    summary: Text = ""
    """Markdown summary for the pack's welcome page and flyers."""
    audience: list[Text] = []
    """Who the course is for."""
    prior_knowledge: Text | None = None
    """Markdown: what participants should know beforehand."""
    delivery: Literal["in-person", "virtual", "blended"] = "in-person"
    """How the course is delivered."""
    outcomes: list[Outcome] = Field(min_length=1)
    """Learning outcomes, in order."""
    sessions: list[Session] = Field(min_length=1)
    """Every session the course can teach, in delivery order."""
    schedule: Schedule
    """Start, end and breaks of each teaching day."""
    variants: dict[Id, Variant] = {}
    """Named selections of sessions; the first listed is the default."""
    addons: list[Id] = []
    """Ids of add-ons (``content/addons/<id>.yaml``) this course may be extended with."""
    certificate: CertificateSettings = CertificateSettings()
    """Certificate settings."""
    preparation: Text | None = None
    """Markdown: what participants should do or bring before the first day, for the
    invitation (``send invitation``)."""
    attach_pack: bool = False
    """Attach the participant pack (``participant-pack.pdf``) to each invitation."""
    feedback: list[Feedback] = []
    """Quotes from earlier participants."""
    reading: list[Reading] = []
    """Further reading, printed on its own page of the pack and guide, in this order."""
    evaluation: EvaluationSettings = EvaluationSettings()
    """The evaluation form: every outcome met (1-5), the trainer, pace, materials and the
    course overall (1-5), confidence in each outcome before the course and now (0-10) and
    open questions come from the theme; a course may add its own questions here."""
