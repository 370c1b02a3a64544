"""``evaluation report``: every run with evaluation responses collated, the weak ones flagged.

One row per run (date, client, trainers, responses, response rate, satisfaction, confidence
change), the answers of every run pooled into the same charts as an event's quality report,
and each run below a threshold flagged with the reason: any outcome's mean rating under
``--min-mean`` (3.5), or a response rate under ``--min-rate`` (50%). A PDF in the house style
(a client's brand and language with ``--client``), or the table as CSV for a spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from mi_courseware.coding.document import styled
from mi_courseware.core.edition import Edition
from mi_courseware.errors import (
    ContentError,
    MiCoursewareError,
    Problems,
    UsageError,
    check_known,
)
from mi_courseware.evaluation.report import event_summary, sections
from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.project import Project
from mi_courseware.resolving.stats import Summary, show_change, show_mean, show_rate, summarise
from mi_courseware.resolving.subjects import RunsSubject
from mi_courseware.resolving.targets import Target, editions_for
from mi_courseware.tables import csv_text

if TYPE_CHECKING:
    from mi_courseware.rendering.document import DocumentSetup


@dataclass(frozen=True)
class RunFilter:
    """Which runs to collate, and the thresholds that flag one."""

    course: str | None = None
    client: str | None = None
    start: date | None = None
    end: date | None = None
    min_mean: float = 3.5
    #: Percent of those who attended.
    min_rate: float = 50


@dataclass(frozen=True)
class Flag:
    """Why a run is flagged: an outcome's low mean, or a low response rate."""

    kind: str  # "outcome" | "rate"
    value: Fraction
    outcome: str = ""


@dataclass(frozen=True)
class Run:
    """One event with responses: its edition, its numbers and its flags."""

    edition: Edition
    summary: Summary
    flags: tuple[Flag, ...]

    @property
    def date(self) -> date | None:
        """The run's last day."""
        return self.edition.dates[-1] if self.edition.dates else None


def _check_names(project: Project, chosen: RunFilter) -> None:
    check_known("--course", "course", chosen.course, project.courses)
    check_known("--client", "client", chosen.client, project.clients)
    if chosen.start and chosen.end and chosen.start > chosen.end:
        raise UsageError(f"--from {chosen.start} is after --to {chosen.end}")


def flags(summary: Summary, chosen: RunFilter) -> tuple[Flag, ...]:
    """The thresholds a run's numbers fall below."""
    found = [
        Flag("outcome", r.mean, r.question.about)
        for r in summary.outcomes
        if r.mean is not None and r.mean < Fraction(str(chosen.min_mean))
    ]
    rate = summary.rate
    if rate is not None and rate * 100 < Fraction(str(chosen.min_rate)):
        found.append(Flag("rate", rate))
    return tuple(found)


def collect(project: Project, chosen: RunFilter, strict: bool = False) -> list[Run]:
    """Every selected event that has responses, oldest first, with its numbers and flags."""
    _check_names(project, chosen)
    picked = []
    for ident, record in project.events.items():
        event = record.model
        last = event.course_days()[-1].date
        if chosen.course is not None and event.course != chosen.course:
            continue
        if chosen.client is not None and event.client != chosen.client:
            continue
        if (chosen.start and last < chosen.start) or (chosen.end and last > chosen.end):
            continue
        picked.append(Target("event", ident))
    problems = Problems()
    editions = editions_for(project, picked, problems)
    if problems.errors or (strict and problems.warnings):
        raise ContentError(problems.items)
    runs = []
    for edition in editions:
        if edition.responses is None:
            continue
        summary = event_summary(edition)
        runs.append(Run(edition, summary, flags(summary, chosen)))
    if not runs:
        raise MiCoursewareError(
            "no run with evaluation responses matches; responses go in "
            "content/evaluations/<event>.csv or .xlsx"
        )
    return sorted(
        runs, key=lambda r: (r.date or date.min, r.edition.event.id if r.edition.event else "")
    )


def pooled(runs: list[Run]) -> Summary:
    """Every run's answers together (the number who attended is known when every run's is)."""
    counts = [r.summary.attended for r in runs]
    total = sum(c for c in counts if c is not None) if None not in counts else None
    return summarise(
        [(r.edition.questions, r.edition.responses) for r in runs if r.edition.responses], total
    )


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
