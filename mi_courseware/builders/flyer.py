"""The course flyer: ``flyer.pdf`` to print and ``flyer.html`` to email or put online."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.builders.base import PdfBuilder

if TYPE_CHECKING:
    from mi_courseware.core.edition import Edition

log = logging.getLogger(__name__)


def page_count(pdf: bytes) -> int:
    """How many pages a PDF has."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


class FlyerBuilder(PdfBuilder["Edition"]):
    """``flyer.pdf`` (A4) and ``flyer.html`` (one self-contained file) for an event.

    A flyer should be one page. When the course's text runs on to a second, the flyer is set
    again a little tighter (the theme's ``compact`` style) and the tighter one is kept if it
    has fewer pages; ``-v`` says so.
    """

    name = "flyer"
    kept_after_event = True  # teaching material: a record of what was taught
    description = "flyer.pdf, flyer.html"
    outputs = ("flyer.pdf", "flyer.html")
    uses = ("course", "brand")
    needs = "event"
    preload = ("weasyprint", "pikepdf", "mi_courseware.rendering.flyer")

    def start(self, target: Edition, out: Path) -> Callable[[], list[Path]]:
        """Render the flyer (in a worker when the build has them); set it tighter if needed."""
        from mi_courseware.rendering.flyer import flyer_html
        from mi_courseware.rendering.pdf import write_atomic

        edition, when = target, self.context.time
        printed, setup = flyer_html(edition, when=when, standalone=False)
        rendered = self.render(edition, printed, setup)

        def finish() -> list[Path]:
            data, compact = rendered(), False
            pages = page_count(data)
            if pages > 1:
                tighter, _ = flyer_html(edition, when=when, standalone=False, compact=True)
                again = self.render(edition, tighter, setup)()
                if page_count(again) < pages:
                    data, compact = again, True
                    log.info("%s: flyer set tighter to fit one page", edition.slug)
                else:
                    log.info("%s: flyer runs on to %d pages", edition.slug, pages)
            pdf_path, html_path = (out / name for name in self.outputs)
            write_atomic(pdf_path, data)
            page, _ = flyer_html(edition, when=when, standalone=True, compact=compact)
            write_atomic(html_path, page.encode("utf-8"))
            return [pdf_path, html_path]

        return finish
