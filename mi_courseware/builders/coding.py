"""The coding documents: a practitioner's feedback report and an observer's tally sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mi_courseware.builders.base import SubjectBuilder

if TYPE_CHECKING:
    from mi_courseware.rendering.document import DocumentSetup
    from mi_courseware.resolving.subjects import PractitionerSubject, ScaleSubject


class CodingReportBuilder(SubjectBuilder["PractitionerSubject"]):
    """``coding/<practitioner>/feedback.pdf``: the latest session's scores against their
    thresholds, its counts, each score over the earlier sessions, and the scale's guidance
    for the weakest area, in the brand of the practitioner's client (``coding report``)."""

    name = "coding-report"
    description = "coding/<practitioner>/feedback.pdf"
    outputs = ("<practitioner>/feedback.pdf",)
    target = "practitioner"
    uses = ("coding", "scales", "trainers", "clients", "brand")
    unlisted_before = True  # ``coding report`` wrote output/coding/ with no manifest before
    preload = ("weasyprint", "mi_courseware.coding.feedback")

    def file_name(self, target: PractitionerSubject) -> str:
        """In the practitioner's own folder."""
        return f"{target.part}/feedback.pdf"

    def identifier(self, target: PractitionerSubject) -> str:
        """``coding/<practitioner>``."""
        return f"coding/{target.ident}"

    def html(self, setup: DocumentSetup, target: PractitionerSubject) -> str:
        """The report's HTML."""
        from mi_courseware.coding.feedback import feedback_html

        return feedback_html(setup, target, self.context.time)


class CodingSheetBuilder(SubjectBuilder["ScaleSubject"]):
    """An observer's tally sheet for a scale: a box row per code across the segment's
    minutes, the globals with their anchors to circle, each formula with boxes to fill in,
    in a client's brand and language (``coding sheet``)."""

    name = "coding-sheet"
    description = "an observer's tally sheet for a scale (to the file named with -o)"
    outputs = ("coding-sheet.pdf",)
    target = "scale"
    uses = ("scales", "brand")
    preload = ("weasyprint", "mi_courseware.coding.sheet")

    def identifier(self, target: ScaleSubject) -> str:
        """``coding-sheet/<scale>``."""
        return f"coding-sheet/{target.ident}"

    def html(self, setup: DocumentSetup, target: ScaleSubject) -> str:
        """The sheet's HTML."""
        from mi_courseware.coding.sheet import sheet_html

        return sheet_html(setup, target, self.context.time)
