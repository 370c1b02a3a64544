"""The slide deck: a native, editable, client-branded PPTX with speaker notes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from mi_courseware.builders.base import Builder

if TYPE_CHECKING:
    from mi_courseware.edition import Edition


class SlidesBuilder(Builder):
    """Writes ``slides.pptx`` from the theme's slide template (see ``rendering/pptx``)."""

    name: ClassVar[str] = "slides"
    outputs: ClassVar[tuple[str, ...]] = ("slides.pptx",)

    def build(self, edition: Edition, out: Path) -> list[Path]:
        """Plan, fit and write the deck for ``edition`` into ``out``."""
        from mi_courseware.rendering.pptx.deck import write_deck

        path = out / "slides.pptx"
        write_deck(edition, path, self.context.time)
        return [path]
