"""The participant pack and the facilitator guide: one builder, two audiences."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from mi_courseware.builders.base import PdfBuilder
from mi_courseware.edition import Edition
from mi_courseware.rendering.document import DocumentSetup
from mi_courseware.rendering.pack import pack_html


class PackBuilder(PdfBuilder):
    """``participant-pack.pdf``: everything a participant takes home."""

    name = "pack"
    outputs = ("participant-pack.pdf",)
    #: Whether trainer notes, answers, timings and materials are included.
    facilitator: ClassVar[bool] = False

    def options(self) -> dict[str, Any]:
        """``--keep-html`` adds a file."""
        return {"keep_html": self.context.keep_html}

    def document(self, edition: Edition, out: Path) -> tuple[str, DocumentSetup, list[Path]]:
        """The pack's HTML through the theme (kept beside the PDF with ``--keep-html``)."""
        html, setup = pack_html(edition, facilitator=self.facilitator, when=self.context.time)
        kept = []
        if self.context.keep_html:
            kept.append((out / self.outputs[0]).with_suffix(".html"))
            kept[0].write_text(html, encoding="utf-8")
        return html, setup, kept


class FacilitatorBuilder(PackBuilder):
    """``facilitator-guide.pdf``: the pack plus notes, answers, running orders and materials."""

    name = "facilitator"
    outputs = ("facilitator-guide.pdf",)
    facilitator = True
