"""The participant pack and the facilitator guide: one builder, two audiences."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from mi_courseware.builders.base import BuildContext, PdfBuilder

if TYPE_CHECKING:
    from mi_courseware.core.edition import Edition
    from mi_courseware.rendering.document import DocumentSetup


class PackBuilder(PdfBuilder["Edition"]):
    """``participant-pack.pdf``: everything a participant takes home."""

    name = "pack"
    kept_after_event = True  # teaching material: a record of what was taught
    description = "participant-pack.pdf"
    outputs = ("participant-pack.pdf",)
    edition_format = "pdf"
    preload = ("weasyprint", "mi_courseware.rendering.pack")
    #: Whether trainer notes, answers, timings and materials are included.
    facilitator: ClassVar[bool] = False

    @classmethod
    def options(cls, context: BuildContext, target: Edition) -> dict[str, Any]:
        """``--keep-html`` adds a file."""
        return {"keep_html": context.keep_html}

    def document(self, target: Edition, out: Path) -> tuple[str, DocumentSetup, list[Path]]:
        """The pack's HTML through the theme (kept beside the PDF with ``--keep-html``)."""
        from mi_courseware.rendering.pack import pack_html

        html, setup = pack_html(target, facilitator=self.facilitator, when=self.context.time)
        kept = []
        if self.context.keep_html:
            kept.append((out / self.outputs[0]).with_suffix(".html"))
            kept[0].write_text(html, encoding="utf-8")
        return html, setup, kept

    def render(self, target: Edition, html: str, setup: DocumentSetup) -> Callable[[], bytes]:
        """A long pack is laid out in parts on the PDF workers at once when they are free."""
        renderer = self.context.renderer
        if renderer is None:
            return super().render(target, html, setup)
        from mi_courseware.rendering.parts.run import submit_in_parts

        options = self.render_options(target, setup)
        future = submit_in_parts(renderer, html, **options)
        return lambda: renderer.wait(future, options["identifier"])


class FacilitatorBuilder(PackBuilder):
    """``facilitator-guide.pdf``: the pack plus notes, answers, running orders and materials."""

    name = "facilitator"
    description = "facilitator-guide.pdf"
    outputs = ("facilitator-guide.pdf",)
    facilitator = True
