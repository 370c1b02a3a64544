"""Pictures for the Word editions: the logo, the text's pictures and the diagrams, as PNG.

python-docx takes raster pictures only, so an SVG (a client's logo, a diagram the tool
draws) is drawn to PNG at :data:`DPI` for the width it is shown at, crisp in print, by the
deck's drawing code (:mod:`mi_courseware.rendering.pptx.images`): in a child process the
time limit can stop, with the theme's own fonts and nothing from outside the SVG. Every file
is read only when the document's list of files allows it (the same list the PDFs keep to).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from mi_courseware.errors import ContentError, Position, Problem
from mi_courseware.rendering.fetcher import ALLOWED_FILES, Fence
from mi_courseware.rendering.pptx.images import DPI as DECK_DPI
from mi_courseware.rendering.pptx.images import Picture, draw_svg, load_picture

#: Dots per inch of print for every drawn picture.
DPI = 300
#: The pixels per inch of a picture that names none (as a browser shows it in the PDF).
SCREEN_PPI = 96


@dataclass(frozen=True)
class Font:
    """The theme face an SVG's words are drawn with."""

    folder: Path
    family: str


def fenced(path: Path, allowed: frozenset[Path], asked_by: Path, line: int = 1) -> Path:
    """``path`` resolved, when the document may read it; else a clear error at the text."""
    if not Fence(allowed, asked_by).allows(path):
        raise ContentError(
            [Problem(Position(asked_by, line), f"refused to read '{path.name}': {ALLOWED_FILES}")]
        )
    return path.resolve()


def picture(path: Path, width_mm: float, font: Font) -> Picture:
    """A picture file as PNG or JPEG: raster as it is, SVG drawn for ``width_mm`` at DPI."""
    return load_picture(path, width_mm / 25.4 * DPI / DECK_DPI, font.folder, font.family)


def diagram(svg: str, where: Path, width_mm: float, font: Font) -> bytes:
    """A diagram the tool drew, as PNG for ``width_mm`` at DPI (drawn once per process)."""
    return _drawn(svg, where, round(width_mm / 25.4 * DPI), font)


@functools.lru_cache(maxsize=64)
def _drawn(svg: str, where: Path, longest: int, font: Font) -> bytes:
    return draw_svg(svg, where, longest, font.folder, font.family).result().data


def shown_width_mm(image: Picture, widest_mm: float) -> float:
    """How wide a picture is shown: its own size at screen resolution, at most ``widest``."""
    return min(widest_mm, image.width / SCREEN_PPI * 25.4)
