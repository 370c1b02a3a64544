"""The evaluation outputs made on request: an event's response template, and the report
that collates the runs of many events (an event's own quality report is
:mod:`mi_courseware.builders.quality`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.builders.base import BuildContext, Builder, SubjectBuilder

if TYPE_CHECKING:
    from mi_courseware.core.edition import Edition
    from mi_courseware.rendering.document import DocumentSetup
    from mi_courseware.resolving.subjects import RunsSubject


class TemplateBuilder(Builder["Edition"]):
    """``<event>-evaluation.csv`` (an empty response file, one column per question) and
    ``<event>-questions.txt`` (to paste into an online form): ``evaluation template``."""

    name = "evaluation-template"
    description = "<event>-evaluation.csv, <event>-questions.txt"
    outputs = ("<event>-evaluation.csv", "<event>-questions.txt")
    in_build = False
    uses = ("course",)
    theme_parts = ("i18n",)
    needs = "event"

    def build(self, target: Edition, out: Path) -> list[Path]:
        """Write the two files."""
        from mi_courseware.evaluation.template import template_files

        written = []
        for name, text in template_files(target).items():
            path = out / name
            path.write_bytes(text.encode("utf-8"))
            written.append(path)
        return written


class RunsReportBuilder(SubjectBuilder["RunsSubject"]):
    """The runs of a course collated, the weak ones flagged: a PDF, or its table as CSV
    (``evaluation report``)."""

    name = "evaluation-report"
    description = "the runs with evaluation responses collated (to the file named with --out)"
    outputs = ("evaluation-report.pdf",)
    target = "runs"
    uses = ("course", "roster", "evaluations", "brand")
    preload = ("weasyprint", "mi_courseware.evaluation.runs")

    @classmethod
    def options(cls, context: BuildContext, target: RunsSubject) -> dict[str, Any]:
        """The format and theme, and which runs are chosen and flagged."""
        chosen = target.chosen
        return {
            "format": target.format,
            "theme": target.theme,
            "course": chosen.course,
            "client": chosen.client,
            "from": chosen.start.isoformat() if chosen.start else None,
            "to": chosen.end.isoformat() if chosen.end else None,
            "min_mean": chosen.min_mean,
            "min_rate": chosen.min_rate,
        }

    def file_name(self, target: RunsSubject) -> str:
        """``evaluation-report.pdf`` or ``.csv``."""
        return f"evaluation-report.{target.format}"

    def identifier(self, target: RunsSubject) -> str:
        """``evaluation-report``."""
        return self.name

    def start(self, target: RunsSubject, out: Path) -> Callable[[], list[Path]]:
        """The PDF (in a worker when the build has them), or the CSV at once."""
        if target.format == "pdf":
            return super().start(target, out)
        from mi_courseware.evaluation.runs import runs_csv
        from mi_courseware.rendering.document import document_setup

        path = out / self.file_name(target)
        text = runs_csv(list(target.runs), target.chosen, document_setup(target).t)
        path.write_bytes(text.encode("utf-8"))
        return lambda: [path]

    def html(self, setup: DocumentSetup, target: RunsSubject) -> str:
        """One row per run, the pooled charts, the flags."""
        from mi_courseware.evaluation.runs import runs_html

        return runs_html(setup, target, self.context.time)
