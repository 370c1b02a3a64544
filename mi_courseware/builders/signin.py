"""The sign-in sheet: ``sign-in.pdf``, one section per course day."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.builders.base import PdfBuilder

if TYPE_CHECKING:
    from mi_courseware.core.edition import Edition
    from mi_courseware.rendering.document import DocumentSetup


class SignInBuilder(PdfBuilder["Edition"]):
    """``sign-in.pdf``: everyone on the roster, with room to sign, for each day."""

    name = "sign-in"
    kept_after_event = True  # teaching material: a record of what was taught
    description = "sign-in.pdf"
    outputs = ("sign-in.pdf",)
    uses = ("course", "brand", "roster")
    needs = "event"
    preload = ("weasyprint", "mi_courseware.rendering.signin")

    def document(self, target: Edition, out: Path) -> tuple[str, DocumentSetup, list[Path]]:
        """The sheet's HTML through the theme."""
        from mi_courseware.rendering.signin import signin_html

        html, setup = signin_html(target, when=self.context.time)
        return html, setup, []
