"""Summary scores of a coded session, their bands, and notes for scores left undefined.

A scale's summaries are worked out from the session's globals (``mean``) or counts (``sum``,
``ratio``). A ratio with nothing below the line is ``None`` with a note saying why, never a
division error. Bands compare a score with its thresholds: below fair, fair or good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mi_courseware.errors import UsageError, did_you_mean
from mi_courseware.loading.coded import Coding, PractitionerInfo, count_codes
from mi_courseware.loading.project import Project
from mi_courseware.model.scale import Scale, Summary

BANDS = ("below fair", "fair", "good")

#: The summary scores ``coding report --format json`` gives for every session, in order.
FIXED_KEYS = (
    "technical",
    "relational",
    "percent_complex_reflections",
    "reflection_to_question",
    "mi_adherent",
    "mi_non_adherent",
)


@dataclass(frozen=True)
class Score:
    """One summary score of one session."""

    id: str
    name: str
    label: str
    value: float | None
    unit: str
    #: ``mean``, ``sum`` or ``ratio``.
    kind: str
    fair: float | None
    good: float | None
    band: str | None
    note: str | None = None
    guidance: str = ""
    #: The globals it averages (for guidance on the weaker one).
    inputs: tuple[str, ...] = ()

    @property
    def banded(self) -> bool:
        """Whether it has thresholds to be read against."""
        return self.fair is not None or self.good is not None


@dataclass(frozen=True)
class SessionScores:
    """Everything a report says about one coded session."""

    coding: Coding
    scale_id: str
    scale: Scale
    counts: dict[str, int]
    globals: dict[str, int]
    scores: tuple[Score, ...]
    percent_change_talk: Score

    @property
    def date(self) -> date:
        """The day of the session."""
        return self.coding.date

    @property
    def label(self) -> str:
        """The session's label (from its file name)."""
        return self.coding.label

    def score(self, ident: str) -> Score | None:
        """The summary score ``ident``, when the scale has it."""
        return next((s for s in self.scores if s.id == ident), None)

    @property
    def banded(self) -> tuple[Score, ...]:
        """The scores that have thresholds."""
        return tuple(s for s in self.scores if s.banded)


def band(value: float | None, fair: float | None, good: float | None) -> str | None:
    """``good``, ``fair`` or ``below fair``; ``None`` without a value or thresholds."""
    if value is None or (fair is None and good is None):
        return None
    if good is not None and value >= good:
        return "good"
    if fair is not None and value >= fair:
        return "fair"
    return "below fair"


def _value(summary: Summary, counts: dict[str, int], ratings: dict[str, int]) -> float | None:
    if summary.mean is not None:
        return sum(ratings[g] for g in summary.mean) / len(summary.mean)
    if summary.sum is not None:
        return float(sum(counts.get(c, 0) for c in summary.sum))
    assert summary.ratio is not None
    above = sum(counts.get(c, 0) for c in summary.ratio.of)
    below = sum(counts.get(c, 0) for c in summary.ratio.to)
    if below == 0:
        return None
    factor = 100 if summary.unit == "percent" else 1
    return factor * above / below


def _note(summary: Summary) -> str:
    if summary.undefined:
        return f"undefined: {summary.undefined}"
    codes = " + ".join(summary.ratio.to) if summary.ratio else ""
    return f"undefined: no {codes} were coded"


def score_session(coding: Coding, scale_id: str, scale: Scale) -> SessionScores:
    """Counts, globals and every summary score of ``coding`` on ``scale``."""
    counts = count_codes(coding, scale)
    ratings = dict(coding.sidecar.model.globals)
    scores = []
    for summary in scale.summaries:
        value = _value(summary, counts, ratings)
        scores.append(
            Score(
                id=summary.id,
                name=summary.name,
                label=summary.label,
                value=value,
                unit=summary.unit,
                kind=summary.kind,
                fair=summary.fair,
                good=summary.good,
                band=band(value, summary.fair, summary.good),
                note=_note(summary) if value is None else None,
                guidance=summary.guidance,
                inputs=tuple(summary.mean or ()),
            )
        )
    change, sustain = counts["CHANGE"], counts["SUSTAIN"]
    talk = 100 * change / (change + sustain) if change + sustain else None
    percent_change_talk = Score(
        id="percent_change_talk",
        name="Change talk, as a share of change and sustain talk",
        label="% change talk",
        value=talk,
        unit="percent",
        kind="ratio",
        fair=None,
        good=None,
        band=None,
        note=None if talk is not None else "undefined: no change or sustain talk was coded",
    )
    return SessionScores(
        coding, scale_id, scale, counts, ratings, tuple(scores), percent_change_talk
    )


def reached_fair(session: SessionScores) -> bool:
    """Whether every banded score of the session is fair or good (undefined ones are not)."""
    banded = session.banded
    return bool(banded) and all(s.band in ("fair", "good") for s in banded)


def weakest(session: SessionScores) -> Score | None:
    """The banded score furthest below its thresholds (how far, relative to the threshold)."""
    candidates = [s for s in session.banded if s.value is not None]
    if not candidates:
        return None

    def distance(score: Score) -> tuple[int, float]:
        assert score.value is not None
        rank = BANDS.index(score.band or "below fair")
        target = score.good if rank >= 1 and score.good is not None else score.fair
        target = target if target is not None else score.good
        assert target is not None
        return rank, (score.value - target) / (abs(target) or 1)

    return min(candidates, key=distance)


def rounded(value: float | None) -> float | None:
    """A score as reports give it: two decimals."""
    return None if value is None else round(value + 0.0, 2)


def show(value: float | None, unit: str, kind: str = "mean") -> str:
    """A score as printed: ``3.50``, ``45.45%``, ``1.33:1``, a count as a whole number."""
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.2f}%"
    if unit == "ratio":
        return f"{value:.2f}:1"
    if kind == "sum":
        return f"{value:g}"
    return f"{value:.2f}"


def show_threshold(value: float | None, unit: str) -> str:
    """A threshold as printed: ``3.5``, ``40%``, ``2:1``."""
    if value is None:
        return "–"
    return f"{value:g}" + {"percent": "%", "ratio": ":1"}.get(unit, "")


@dataclass(frozen=True)
class PractitionerScores:
    """A practitioner and the scores of each of their sessions, oldest first."""

    info: PractitionerInfo
    sessions: tuple[SessionScores, ...]

    @property
    def latest(self) -> SessionScores | None:
        """The most recent session."""
        return self.sessions[-1] if self.sessions else None


def find_practitioner(project: Project, ident: str) -> PractitionerInfo:
    """The practitioner ``ident`` (a folder under ``content/coding/``), else a usage error."""
    info = project.practitioners.get(ident)
    if info is None:
        raise UsageError(
            f"no coded sessions for '{ident}': no folder content/coding/{ident}/"
            f"{did_you_mean(ident, project.practitioners)}"
        )
    return info


def practitioner_scores(project: Project, info: PractitionerInfo) -> PractitionerScores:
    """Score every session of ``info`` on its own scale."""
    sessions = tuple(
        score_session(c, c.scale_id, project.scales[c.scale_id].model) for c in info.codings
    )
    return PractitionerScores(info, sessions)
