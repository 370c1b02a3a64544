"""The sign-in sheet: ``sign-in.pdf``, one section per course day."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from mi_courseware.builders.base import PdfBuilder
from mi_courseware.edition import Edition
from mi_courseware.rendering.document import DocumentSetup
from mi_courseware.rendering.signin import signin_html


class SignInBuilder(PdfBuilder):
    """``sign-in.pdf``: everyone on the roster, with room to sign, for each day."""

    name: ClassVar[str] = "sign-in"
    outputs: ClassVar[tuple[str, ...]] = ("sign-in.pdf",)

    def document(self, edition: Edition, out: Path) -> tuple[str, DocumentSetup, list[Path]]:
        """The sheet's HTML through the theme."""
        html, setup = signin_html(edition, when=self.context.time)
        return html, setup, []
