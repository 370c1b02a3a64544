"""The course flyer: ``flyer.pdf`` to print and ``flyer.html`` to email or put online."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from mi_courseware.builders.base import PdfBuilder
from mi_courseware.edition import Edition
from mi_courseware.rendering.flyer import flyer_html
from mi_courseware.rendering.pdf import write_atomic


class FlyerBuilder(PdfBuilder):
    """``flyer.pdf`` (A4) and ``flyer.html`` (one self-contained file) for an event."""

    name: ClassVar[str] = "flyer"
    outputs: ClassVar[tuple[str, ...]] = ("flyer.pdf", "flyer.html")

    def applies_to(self, edition: Edition) -> bool:
        """A flyer advertises a run of the course: it needs an event."""
        return edition.event is not None

    def document(self, edition: Edition, out: Path) -> tuple[str, list[Path], list[Path]]:
        """The printed flyer's HTML; the self-contained page is written at once."""
        page, _ = flyer_html(edition, when=self.context.time, standalone=True)
        html_path = out / self.outputs[1]
        write_atomic(html_path, page.encode("utf-8"))
        printed, setup = flyer_html(edition, when=self.context.time, standalone=False)
        return printed, setup.roots, [html_path]
