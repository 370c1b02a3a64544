"""The participant pack and the facilitator guide: one builder, two audiences."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

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

    def options(self) -> dict[str, Any]:
        """``--keep-html`` adds a file."""
        return {"keep_html": self.context.keep_html}

    def build(self, edition: Edition, out: Path) -> list[Path]:
        """Render the pack's HTML through the theme, then to a tagged PDF."""
        return self.start(edition, out)()

    def start(self, edition: Edition, out: Path) -> Callable[[], list[Path]]:
        """Make the HTML now; render the PDF in a worker when the build has one."""
        html, setup = pack_html(edition, facilitator=self.facilitator, when=self.context.time)
        target = out / self.outputs[0]
        written = [target]
        if self.context.keep_html:
            kept = target.with_suffix(".html")
            kept.write_text(html, encoding="utf-8")
            written.append(kept)
        options: dict[str, Any] = {
            "base": edition.project_root,
            "roots": setup.roots,
            "asked_by": edition.sources[0],
            "identifier": f"{edition.slug}/{self.name}",
        }
        renderer = self.context.renderer
        future = renderer.submit(html, **options) if renderer else None

        def finish() -> list[Path]:
            data = (
                renderer.wait(future, options["identifier"])
                if renderer and future
                else render_pdf(html, **options)
            )
            write_atomic(target, data)
            return written

        return finish


class FacilitatorBuilder(PackBuilder):
    """``facilitator-guide.pdf``: the pack plus notes, answers, running orders and materials."""

    name = "facilitator"
    outputs = ("facilitator-guide.pdf",)
    facilitator = True
