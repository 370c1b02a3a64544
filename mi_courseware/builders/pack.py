"""The participant pack and the facilitator guide: one builder, two audiences."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from mi_courseware.builders.base import Builder
from mi_courseware.edition import Edition
from mi_courseware.rendering.pack import pack_html
from mi_courseware.rendering.pdf import render_pdf, write_atomic


class PackBuilder(Builder):
    """``participant-pack.pdf``: everything a participant takes home."""

    name = "pack"
    outputs = ("participant-pack.pdf",)
    #: Whether trainer notes, answers, timings and materials are included.
    facilitator: ClassVar[bool] = False

    def build(self, edition: Edition, out: Path) -> list[Path]:
        """Render the pack's HTML through the theme, then to a tagged PDF."""
        html, setup = pack_html(
            self.context.project, edition, facilitator=self.facilitator, when=self.context.time
        )
        target = out / self.outputs[0]
        written = [target]
        if self.context.keep_html:
            kept = target.with_suffix(".html")
            kept.write_text(html, encoding="utf-8")
            written.append(kept)
        data = render_pdf(
            html,
            base=edition.project_root,
            roots=setup.roots,
            asked_by=edition.sources[0],
            identifier=f"{edition.slug}/{self.name}",
        )
        write_atomic(target, data)
        return written


class FacilitatorBuilder(PackBuilder):
    """``facilitator-guide.pdf``: the pack plus notes, answers, running orders and materials."""

    name = "facilitator"
    outputs = ("facilitator-guide.pdf",)
    facilitator = True
