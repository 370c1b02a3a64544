"""The quality report of an event's evaluation: ``quality-report.pdf`` in the event's folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.builders.base import PdfBuilder

if TYPE_CHECKING:
    from mi_courseware.core.edition import Edition
    from mi_courseware.rendering.document import DocumentSetup


class QualityReportBuilder(PdfBuilder["Edition"]):
    """``quality-report.pdf``: built for events that have evaluation responses."""

    name = "quality-report"
    description = "quality-report.pdf"
    outputs = ("quality-report.pdf",)
    uses = ("course", "brand", "roster", "evaluations", "skills")
    requires = ("evaluations",)
    absent = (
        "event '{event}' has no evaluation responses: put them in "
        "content/evaluations/{event}.csv or .xlsx, or name the file with 'evaluations:'"
    )
    preload = ("weasyprint", "mi_courseware.evaluation.report")

    def document(self, target: Edition, out: Path) -> tuple[str, DocumentSetup, list[Path]]:
        """Work out the numbers and draw the charts, in the client's brand."""
        from mi_courseware.evaluation.report import quality_html
        from mi_courseware.rendering.document import document_setup

        setup = document_setup(target)
        return quality_html(target, setup, self.context.time), setup, []
