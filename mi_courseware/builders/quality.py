"""The quality report of an event's evaluation: ``quality-report.pdf`` in the event's folder."""

from __future__ import annotations

from pathlib import Path

from mi_courseware.builders.base import Builder
from mi_courseware.edition import Edition
from mi_courseware.rendering.pdf import render_pdf, write_atomic


class QualityReportBuilder(Builder):
    """``quality-report.pdf``: built for events that have evaluation responses."""

    name = "quality-report"
    outputs = ("quality-report.pdf",)

    def build(self, edition: Edition, out: Path) -> list[Path]:
        """Work out the numbers, draw the charts, render the PDF in the client's brand."""
        from mi_courseware.evaluation.report import quality_html
        from mi_courseware.rendering.document import document_setup

        setup = document_setup(edition)
        html = quality_html(edition, setup, self.context.time)
        target = out / self.outputs[0]
        data = render_pdf(
            html,
            base=edition.project_root,
            allowed=setup.allowed,
            asked_by=setup.asked_by or edition.sources[0],
            identifier=f"{edition.slug}/{self.name}",
        )
        write_atomic(target, data)
        return [target]
