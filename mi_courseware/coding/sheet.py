"""``coding sheet --scale S -o FILE.pdf``: a printable observer's tally sheet for a scale.

One box row per behaviour code across the segment's minutes (and the client's language), the
globals with their anchors to circle, and each summary formula with boxes to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mi_courseware.coding.document import render_coding
from mi_courseware.loading.i18n import Translator
from mi_courseware.model.scale import Scale, Summary
from mi_courseware.resolving.scores import show_threshold

if TYPE_CHECKING:
    from mi_courseware.rendering.document import DocumentSetup
    from mi_courseware.resolving.subjects import ScaleSubject


@dataclass(frozen=True)
class Term:
    """Part of a formula: fixed text, or a box to fill in (``label`` names what goes there)."""

    text: str = ""
    blank: bool = False
    result: bool = False


def _sum(labels: list[str]) -> list[Term]:
    terms: list[Term] = []
    for index, label in enumerate(labels):
        terms += [Term(("+ " if index else "") + label), Term(blank=True)]
    return terms


def _bracket(terms: list[Term], many: bool) -> list[Term]:
    return [Term("("), *terms, Term(")")] if many else terms


def formula(summary: Summary, scale: Scale) -> list[Term]:
    """The summary's formula as terms: names, boxes, operators and the result box."""
    names = {g.id: g.name for g in scale.globals}
    if summary.mean is not None:
        inputs = [names.get(g, g) for g in summary.mean]
        terms = _bracket(_sum(inputs), len(inputs) > 1)
        if len(inputs) > 1:
            terms.append(Term(f"÷ {len(inputs)}"))
    elif summary.sum is not None:
        terms = _sum(list(summary.sum))
    else:
        assert summary.ratio is not None
        above, below = list(summary.ratio.of), list(summary.ratio.to)
        terms = [*_bracket(_sum(above), len(above) > 1), Term("÷")]
        terms += _bracket(_sum(below), len(below) > 1)
        if summary.unit == "percent":
            terms.append(Term("× 100"))
    return [*terms, Term("="), Term(blank=True, result=True)]


def change_talk_formula() -> list[Term]:
    """% change talk = CHANGE ÷ (CHANGE + SUSTAIN) × 100."""
    return [
        Term("CHANGE"),
        Term(blank=True),
        Term("÷ ("),
        *_sum(["CHANGE", "SUSTAIN"]),
        Term(") × 100 ="),
        Term(blank=True, result=True),
    ]


def time_blocks(minutes: int) -> list[tuple[int, int]]:
    """Columns for tallies: 5-minute blocks up to 30 minutes, 10-minute blocks beyond."""
    step = 5 if minutes <= 30 else 10
    return [(start, min(start + step, minutes)) for start in range(0, minutes, step)]


def _thresholds(summary: Summary, t: Translator) -> str:
    if summary.fair is None and summary.good is None:
        return t("coding.sheet_no_thresholds")
    return t(
        "coding.sheet_thresholds",
        fair=show_threshold(summary.fair, summary.unit),
        good=show_threshold(summary.good, summary.unit),
    )


def sheet_html(doc: DocumentSetup, subject: ScaleSubject, when: datetime) -> str:
    """The observer's sheet for ``subject``'s scale: its complete HTML."""
    scale, t = subject.scale, doc.t
    formulas = [
        {"name": s.name, "terms": formula(s, scale), "thresholds": _thresholds(s, t)}
        for s in scale.summaries
    ]
    formulas.append(
        {
            "name": t("coding.sheet_percent_change_talk"),
            "terms": change_talk_formula(),
            "thresholds": t("coding.sheet_no_thresholds"),
        }
    )
    return render_coding(
        doc,
        "coding-sheet.html",
        f"{t('coding.sheet_title')} – {scale.title}",
        when,
        scale=scale,
        blocks=time_blocks(scale.segment_minutes),
        formulas=formulas,
    )
