"""``quality-report.pdf``: what one event's evaluation responses say, in the client's brand.

A summary page first (responses of those who attended, overall satisfaction, the outcomes
best and least met, the mean change in confidence, how well each outcome was met), the
skills measure's change per item beside self-rated confidence (when the event has one), then each
rated question with its distribution, n, mean and median; confidence before the course and now
per outcome with the mean paired change; and every comment as written. Charts are SVG drawn
by :mod:`mi_courseware.rendering.charts` (no raster image in the PDF), their meaning carried
by words and patterns as well as colour. The collated report across runs
(:mod:`mi_courseware.evaluation.runs`) shows its pooled answers with the same sections.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mi_courseware.core.edition import Edition
from mi_courseware.rendering.charts import Bar, RowValue, bar_chart, row_chart
from mi_courseware.rendering.days import day_lines
from mi_courseware.rendering.document import DocumentSetup
from mi_courseware.resolving.questions import scale_labels
from mi_courseware.resolving.skills import item_changes
from mi_courseware.resolving.stats import (
    QuestionStats,
    Summary,
    event_summary,
    show_change,
    show_mean,
    show_median,
    show_rate,
)

#: Functions the report's templates format numbers with.
FORMATS = {
    "show_mean": show_mean,
    "show_median": show_median,
    "show_change": show_change,
    "show_rate": show_rate,
}


def _distribution(setup: DocumentSetup, rating: QuestionStats) -> str:
    t = setup.t
    bars = [Bar(str(value), count) for value, count in rating.counts]
    return bar_chart(
        bars,
        style=setup.chart_style(width_mm=82, height_mm=34),
        description=t("evaluation.distribution_description", question=rating.question.text),
    )


def sections(setup: DocumentSetup, summary: Summary) -> dict[str, Any]:
    """The charts and rows every quality report shows (one event's, or runs pooled)."""
    t = setup.t
    outcomes = summary.outcomes
    outcomes_svg = ""
    if outcomes:
        outcomes_svg = row_chart(
            [
                RowValue(r.question.about, float(r.mean or 0), value_label=show_mean(r.mean))
                for r in outcomes
            ],
            style=setup.chart_style(height_mm=24),
            description=t("evaluation.outcomes_chart_description"),
            x_range=(1, 5),
        )
    ratings = [
        {"stats": r, "svg": _distribution(setup, r) if r.n else ""}
        for r in summary.ratings
        if r.question.kind != "text"
    ]
    paired = [c for c in summary.confidence if c.n]
    confidence_svg = ""
    if paired:
        confidence_svg = row_chart(
            [
                RowValue(
                    c.text,
                    float(c.now or 0),
                    float(c.before or 0),
                    value_label=show_mean(c.now),
                    start_label=show_mean(c.before),
                )
                for c in paired
            ],
            style=setup.chart_style(height_mm=30),
            description=t("evaluation.confidence_chart_description"),
            x_range=(0, 10),
            names=(t("evaluation.before"), t("evaluation.now")),
        )
    return {
        "summary": summary,
        "outcomes_svg": outcomes_svg,
        "ratings": ratings,
        "confidence_svg": confidence_svg,
        "scale_labels": scale_labels(t),
        **FORMATS,
    }


def quality_html(edition: Edition, setup: DocumentSetup, when: datetime) -> str:
    """The quality report's complete HTML for ``edition``."""
    summary = event_summary(edition)
    event = edition.event
    assert event is not None
    confidence = {c.outcome: c for c in summary.confidence}
    skills = [
        {"change": change, "confidence": confidence.get(change.item.outcome)}
        for change in (item_changes(edition.skills) if edition.skills else ())
    ]
    title = f"{setup.t('evaluation.report_title')} – {edition.title}"
    return setup.render_report(
        "quality-report.html",
        title,
        when,
        ("coding.css", "quality.css"),
        edition=edition,
        event=event,
        days=day_lines(edition, setup.t),
        show_comments=True,
        skills=skills,
        **sections(setup, summary),
    )
