"""The feedback report a mentor hands over: ``output/coding/<practitioner>/feedback.pdf``.

The latest session's scores against their thresholds (bands named in words and shown by
position and pattern), its counts as a chart, each score over the previous sessions, the
scale's guidance for the weakest area, and what was said in each session with a transcript
(:mod:`mi_courseware.resolving.moments`), in the client's brand, theme and language. A
session tallied live is labelled so, with the caveat that live tallies are less reliable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mi_courseware.coding.document import render_coding
from mi_courseware.errors import Position
from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.project import Project
from mi_courseware.model.scale import Scale
from mi_courseware.rendering.charts import (
    BandRow,
    Bar,
    Series,
    Threshold,
    band_chart,
    bar_chart,
    line_chart,
)
from mi_courseware.resolving.moments import moments
from mi_courseware.resolving.scores import (
    PractitionerScores,
    Score,
    SessionScores,
    show,
    show_threshold,
    weakest,
)

if TYPE_CHECKING:
    from mi_courseware.rendering.document import DocumentSetup
    from mi_courseware.resolving.subjects import PractitionerSubject

log = logging.getLogger(__name__)

BAND_KEYS = {"below fair": "below_fair", "fair": "fair", "good": "good"}


def _axis(score: Score, values: list[float | None]) -> tuple[float, float]:
    """The range a score is drawn on: 1-5 for ratings, 0-100 for shares, else from the data."""
    if score.kind == "mean":
        return 1.0, 5.0
    if score.unit == "percent":
        return 0.0, 100.0
    top = max([v for v in values if v is not None] + [score.good or 0, score.fair or 0, 1])
    return 0.0, float(int(top * 1.25) + 1)


def _band_word(t: Translator, band: str | None) -> str:
    return t(f"coding.band.{BAND_KEYS[band]}") if band else ""


def coder_name(project: Project, coder: str) -> str:
    """A coder as the report names them: a trainer's name, else as the sidecar gives it."""
    trainer = project.trainers.get(coder)
    return trainer.model.name if trainer is not None else coder


def _focus(session: SessionScores, scale: Scale, t: Translator) -> dict[str, Any] | None:
    """The weakest banded score, its guidance, and the lowest global rating inside it."""
    score = weakest(session)
    if score is None:
        return None
    focus: dict[str, Any] = {"score": score, "band": _band_word(t, score.band), "global": None}
    rated = [g for g in scale.globals if g.id in score.inputs]
    if rated:
        lowest = min(rated, key=lambda g: (session.globals[g.id], score.inputs.index(g.id)))
        rating = session.globals[lowest.id]
        focus["global"] = {
            "rating": lowest,
            "value": rating,
            "now": lowest.anchors[rating],
            "next": lowest.anchors.get(rating + 1),
            "next_value": rating + 1,
        }
    return focus


def _shown(score: Score) -> Callable[[float], str]:
    """How values of ``score`` are labelled on a chart."""
    return lambda value: show(value, score.unit, score.kind)


def _charts(doc: DocumentSetup, scores: PractitionerScores, t: Translator) -> dict[str, Any]:
    latest = scores.latest
    assert latest is not None
    banded = latest.banded
    history = [s for s in scores.sessions if s.scale_id == latest.scale_id]
    rows = []
    for score in banded:
        low, high = _axis(score, [score.value])
        text = show(score.value, score.unit, score.kind)
        if score.value is None:
            text = t("coding.undefined_because", why=(score.note or "").removeprefix("undefined: "))
        rows.append(BandRow(score.label, score.value, text, low, high, score.fair, score.good))
    bands = [_band_word(t, b) for b in ("below fair", "fair", "good")]
    band_svg = band_chart(
        rows,
        style=doc.chart_style(),
        description=t("coding.band_chart_description"),
        band_labels=(bands[0], bands[1], bands[2]),
    )
    groups: dict[str, str] = {}
    for summary in latest.scale.summaries:
        for code in summary.sum or ():
            groups.setdefault(code, summary.id)
    legend = {s.id: s.label for s in latest.scale.summaries if s.sum}
    legend[""] = t("coding.other_behaviours")
    bars = [Bar(c.code, latest.counts[c.code], groups.get(c.code, "")) for c in latest.scale.codes]
    counts_svg = bar_chart(
        bars,
        style=doc.chart_style(height_mm=56),
        description=t("coding.counts_chart_description"),
        legend=legend,
    )
    trends = []
    if len(history) > 1:
        labels = [f"{s.date.day}/{s.date.month}/{s.date.year % 100:02d}" for s in history]
        for score in banded:
            values = [h.score(score.id) for h in history]
            series = tuple(v.value if v else None for v in values)
            thresholds = [
                Threshold(f"{w} {show_threshold(v, score.unit)}", v)
                for w, v in ((bands[1], score.fair), (bands[2], score.good))
                if v is not None
            ]
            trends.append(
                line_chart(
                    labels,
                    [Series(score.label, series)],
                    style=doc.chart_style(width_mm=82, height_mm=52),
                    description=t("coding.trend_chart_description", score=score.label),
                    thresholds=thresholds,
                    y_range=_axis(score, list(series)),
                    value_label=_shown(score),
                    title=score.label,
                )
            )
    return {"band_svg": band_svg, "counts_svg": counts_svg, "trend_svgs": trends}


def feedback_html(doc: DocumentSetup, subject: PractitionerSubject, when: datetime) -> str:
    """The report's complete HTML (the subject has at least one session)."""
    scores = subject.scores
    latest = scores.latest
    assert latest is not None
    t = doc.t
    meta = latest.coding.sidecar.model
    history = [s for s in scores.sessions if s.scale_id == latest.scale_id]
    title = f"{t('coding.feedback_title')} – {scores.info.name}"
    quoted = [(s, moments(s.coding, s.scale)) for s in reversed(history)]
    return render_coding(
        doc,
        "coding-feedback.html",
        title,
        when,
        info=scores.info,
        organisation=subject.organisation,
        latest=latest,
        scale=latest.scale,
        coder=subject.coder,
        minutes=f"{meta.minutes:g}",
        notes=meta.notes,
        source=meta.source,
        transcripts=[{"session": s, "moments": m} for s, m in quoted if m is not None],
        history=history,
        other_scales=len(history) < len(scores.sessions),
        focus=_focus(latest, latest.scale, t),
        show=show,
        show_threshold=show_threshold,
        band_word=lambda band: _band_word(t, band),
        **_charts(doc, scores, t),
    )


def warn_printed_names(project: Project, scores: PractitionerScores, theme: str) -> None:
    """Warn, at the file that gives it, about a name on the report (the practitioner's, the
    coder's) that the theme's fonts cannot show: it would print as empty boxes."""
    from mi_courseware.checks.fonts import name_glyph_problems, theme_fonts
    from mi_courseware.loading.themes import theme_chain

    info = scores.info
    sheet = info.folder / "practitioner.yaml"
    trainer = project.trainers.get(info.id)
    given_in = sheet if sheet.is_file() or trainer is None else trainer.path
    names = [(Position(given_in), info.name)]
    if scores.latest is not None:
        sidecar = scores.latest.coding.sidecar
        names.append((sidecar.position("coder"), coder_name(project, sidecar.model.coder)))
    fonts = theme_fonts(theme_chain(project, theme))
    for problem in name_glyph_problems(names, fonts, f"{info.id}'s feedback report"):
        log.warning("%s", problem.message, extra={"where": str(problem.position)})
