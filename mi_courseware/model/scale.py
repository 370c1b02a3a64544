"""Coding scales as data: behaviour codes, global ratings with anchors, summary scores.

The built-in scales (``miti-4.2.1``, ``social-work-7``) are files of this format shipped with
the tool; an organisation adds its own as ``content/scales/<id>.yaml``. Which names a summary
or a global refers to is checked when the file is loaded, with positions
(:mod:`mi_courseware.loading.coding`).
"""

# pydantic copies a field's list or dict default for each instance; ruff cannot see that
# ``Model`` is a pydantic model, so its mutable-default rule does not apply here.
# ruff: noqa: RUF012

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from mi_courseware.model.base import Count, Model, Text

#: What a client's utterance may be coded as, in every scale.
CLIENT_CODES = ("CHANGE", "SUSTAIN", "NEUTRAL")

#: The lowest and highest global rating.
RATINGS = (1, 2, 3, 4, 5)


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


Code = Annotated[str, BeforeValidator(_upper), Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=24)]
"""A behaviour code: letters, digits and '_', any case (``SR``, ``Seek``)."""

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
"""The id of a global or a summary score: lower case, digits and '_' (``partnership``)."""


class ScaleCode(Model):
    """A behaviour code the coder gives a practitioner's utterance."""

    code: Code
    """The code as written in coded sessions, e.g. ``SR``."""
    name: Text
    """What it stands for, e.g. "Simple reflection"."""
    description: Text = ""
    """What counts as this behaviour, in a sentence or two (printed on the observer's sheet)."""
    non_adherent: bool = False
    """Whether it is MI-non-adherent (persuading, confronting): the feedback report quotes each
    utterance given it, with :attr:`instead`."""
    instead: Text = ""
    """An MI-consistent way to say it instead (printed beside each such utterance)."""


class Reflections(Model):
    """Which codes are reflections: counted once per volley (``count_per: volley``), as
    complex if any is."""

    simple: Code
    """The simple-reflection code."""
    complex: Code
    """The complex-reflection code."""


class GlobalRating(Model):
    """A global rating, scored 1 to 5 over the whole segment."""

    id: Name
    """Its id, as written in sessions' ``globals``."""
    name: Text
    """Its name as printed."""
    description: Text = ""
    """What it rates."""
    anchors: dict[int, Text]
    """What each rating 1 to 5 looks like (one line each)."""
    guidance: Text = ""
    """Advice for a practitioner whose rating is low (printed on feedback reports)."""

    @model_validator(mode="after")
    def _five_anchors(self) -> GlobalRating:
        if sorted(self.anchors) != list(RATINGS):
            given = ", ".join(str(k) for k in sorted(self.anchors)) or "none"
            raise ValueError(f"anchors must describe each rating 1 to 5 (given: {given})")
        return self


class Ratio(Model):
    """A ratio of counts: the sum of ``of`` divided by the sum of ``to``."""

    of: list[Code] = Field(min_length=1)
    """Codes added up above the line."""
    to: list[Code] = Field(min_length=1)
    """Codes added up below the line."""


class Summary(Model):
    """A summary score worked out from globals or counts, with its thresholds."""

    id: Name
    """Its id (``technical``, ``reflection_to_question``): a key of ``coding report``'s JSON."""
    name: Text
    """Its name as printed."""
    short: Text | None = None
    """A short name for table headings and charts; default: the name."""
    mean: list[Name] | None = None
    """The ids of the globals it averages."""
    sum: list[Code] | None = None
    """The codes whose counts it adds up."""
    ratio: Ratio | None = None
    """The counts it divides."""
    unit: Literal["number", "percent", "ratio"] = "number"
    """How it is shown: ``percent`` (the ratio times 100, e.g. "45%"), ``ratio`` ("1.5:1") or a
    plain number."""
    fair: float | None = None
    """The lowest score read as fair, in the unit shown (40 for 40%)."""
    good: float | None = None
    """The lowest score read as good."""
    undefined: Text | None = None
    """Why a ratio can be undefined, e.g. "no questions were coded" (printed as its note)."""
    guidance: Text = ""
    """Advice for a practitioner for whom this is the weakest area (printed on reports)."""

    @model_validator(mode="after")
    def _one_formula(self) -> Summary:
        given = [k for k in ("mean", "sum", "ratio") if getattr(self, k) is not None]
        if len(given) != 1:
            named = " and ".join(given) if given else "none"
            raise ValueError(f"give exactly one of mean, sum or ratio (given: {named})")
        if self.fair is not None and self.good is not None and self.good < self.fair:
            raise ValueError(f"good ({self.good:g}) is below fair ({self.fair:g})")
        return self

    @property
    def kind(self) -> str:
        """``mean``, ``sum`` or ``ratio``."""
        return "mean" if self.mean is not None else "sum" if self.sum is not None else "ratio"

    @property
    def label(self) -> str:
        """The short name, else the name."""
        return self.short or self.name


class Scale(Model):
    """A coding scale: behaviour codes, global ratings and summary scores with thresholds."""

    title: Text
    """Its title as printed."""
    description: Text = ""
    """What it is for and where it comes from."""
    thresholds_note: Text = ""
    """Where the thresholds come from (printed beside them), e.g. "expert opinion"."""
    segment_minutes: Count = 20
    """The usual length of a coded segment, in minutes (the observer's sheet has room for it)."""
    codes: list[ScaleCode] = []
    """Behaviour codes for practitioners' utterances."""
    reflections: Reflections | None = None
    """Which codes are simple and complex reflections (the volley rule)."""
    count_per: Literal["volley", "utterance"] = "volley"
    """How behaviours are counted from a transcript: once per ``volley`` (the practitioner's
    turn between two things the client says, as MITI 4.2.1 counts them; reflections once,
    as complex when any is), or once per coded ``utterance``."""
    codes_client: bool = False
    """Whether the scale itself codes the client's language. When not (MITI 4.2.1 codes only
    the practitioner), the sheet and the report label change and sustain talk as an
    addition to the scale."""
    globals: list[GlobalRating] = []
    """Global ratings, 1 to 5."""
    summaries: list[Summary] = []
    """Summary scores, in the order reports show them."""

    def code(self, code: str) -> ScaleCode | None:
        """The behaviour code ``code`` (any case), if the scale has it."""
        wanted = code.strip().upper()
        return next((c for c in self.codes if c.code == wanted), None)
