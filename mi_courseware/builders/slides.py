"""The slide deck: a native, editable, client-branded PPTX with speaker notes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.builders.base import Builder

if TYPE_CHECKING:
    from mi_courseware.core.edition import Edition


class SlidesBuilder(Builder["Edition"]):
    """Writes ``slides.pptx`` from the theme's slide template (see ``rendering/pptx``)."""

    name = "slides"
    kept_after_event = True  # teaching material: a record of what was taught
    description = "slides.pptx"
    outputs = ("slides.pptx",)
    theme_parts = ("slides", "i18n", "fonts")
    preload = ("mi_courseware.rendering.pptx.deck",)
    aside = True

    def build(self, target: Edition, out: Path) -> list[Path]:
        """Plan, fit and write the deck for ``target`` into ``out``."""
        from mi_courseware.rendering.pptx.deck import write_deck

        path = out / "slides.pptx"
        write_deck(target, path, self.context.time)
        return [path]
