"""The runs the evaluation report collates: every selected event with responses, its numbers
and the thresholds it falls below (the report itself is :mod:`mi_courseware.evaluation.runs`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from mi_courseware.core.edition import Edition
from mi_courseware.errors import ContentError, MiCoursewareError, Problems, UsageError, check_known
from mi_courseware.loading.project import Project
from mi_courseware.resolving.stats import Summary, event_summary, summarise
from mi_courseware.resolving.targets import Target, editions_for


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
