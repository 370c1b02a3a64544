"""``evaluation report``: every run with evaluation responses collated, the weak ones flagged.

One row per run (date, client, trainers, responses, response rate, satisfaction, confidence
change), the answers of every run pooled into the same charts as an event's quality report,
and each run below a threshold flagged with the reason: any outcome's mean rating under
``--min-mean`` (3.5), or a response rate under ``--min-rate`` (50%). A PDF in the house style
(a client's brand and language with ``--client``), or the table as CSV for a spreadsheet.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from mi_courseware.coding.document import styled
from mi_courseware.errors import (
    check_known,
)
from mi_courseware.evaluation.report import sections
from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.project import Project
from mi_courseware.resolving.runs import Flag, Run, RunFilter, collect, pooled
from mi_courseware.resolving.stats import (
    show_change,
    show_mean,
    show_rate,
)
from mi_courseware.resolving.subjects import RunsSubject
from mi_courseware.tables import csv_text

if TYPE_CHECKING:
    from mi_courseware.rendering.document import DocumentSetup


def reason(flag: Flag, chosen: RunFilter, t: Translator) -> str:
    """A flag in words."""
    if flag.kind == "rate":
        return t(
            "evaluation.flag_rate", rate=show_rate(flag.value), threshold=f"{chosen.min_rate:g}%"
        )
    return t(
        "evaluation.flag_outcome",
        outcome=flag.outcome,
        mean=show_mean(flag.value),
        threshold=f"{chosen.min_mean:g}",
    )


def runs_csv(runs: list[Run], chosen: RunFilter, t: Translator) -> str:
    """One row per run, for a spreadsheet (text cells never read as formulas)."""
    header = [
        "event", "course", "date", "client", "trainers", "responses", "attended",
        "response_rate", "satisfaction", "confidence_change", "lowest_outcome",
        "lowest_outcome_mean", "flagged", "reasons",
    ]  # fmt: skip
    rows = []
    for run in runs:
        edition, summary = run.edition, run.summary
        event = edition.event
        assert event is not None
        least = summary.least
        rows.append(
            [
                event.id,
                edition.course_id,
                run.date.isoformat() if run.date else "",
                edition.brand.name,
                "; ".join(event.trainers),
                summary.responses,
                "" if summary.attended is None else summary.attended,
                "" if summary.rate is None else show_rate(summary.rate),
                _number(show_mean(summary.satisfaction)),
                _number(show_change(summary.change, minus="-").lstrip("+")),
                least.question.about if least else "",
                _number(show_mean(least.mean) if least else "–"),
                "yes" if run.flags else "no",
                "; ".join(reason(f, chosen, t) for f in run.flags),
            ]
        )
    return csv_text(header, rows, "\n")


def _number(text: str) -> str:
    return "" if text == "–" else text


def runs_html(doc: DocumentSetup, subject: RunsSubject, when: datetime) -> str:
    """The collated report's complete HTML."""
    t, chosen = doc.t, subject.chosen
    return doc.render_report(
        "quality-runs.html",
        t("evaluation.runs_title"),
        when,
        ("coding.css", "quality.css"),
        runs=list(subject.runs),
        chosen=chosen,
        course_title=subject.course_title,
        reason=lambda flag: reason(flag, chosen, t),
        show_comments=False,
        **sections(doc, pooled(list(subject.runs))),
    )


def runs_subject(
    project: Project, chosen: RunFilter, *, fmt: str, theme: str, strict: bool = False
) -> RunsSubject:
    """The runs ``chosen`` picks, with their numbers and flags, in the report's look (the
    client's brand with ``--client``, else the house style)."""
    check_known("--theme", "theme", theme, project.themes)
    runs = collect(project, chosen, strict)
    client = project.clients.get(chosen.client) if chosen.client else None
    last = runs[-1].edition.responses
    source = last.path if last else project.paths.content  # a failing document names it
    look = styled(project, client, theme)
    shaped = ("course", "roster", "evaluations")
    look["inputs"] = {
        **{
            role: tuple(dict.fromkeys(p for r in runs for p in r.edition.inputs.get(role, ())))
            for role in shaped
        },
        **look["inputs"],
    }
    return RunsSubject(
        ident="runs",
        sources=(source,),
        runs=tuple(runs),
        chosen=chosen,
        course_title=project.courses[chosen.course].model.title if chosen.course else None,
        format=fmt,
        **look,
    )
