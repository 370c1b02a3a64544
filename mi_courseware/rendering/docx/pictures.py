"""Pictures for the Word editions: the logo, the text's pictures and the diagrams, as PNG.

python-docx takes raster pictures only, so an SVG (a client's logo, a diagram the tool
draws) is drawn to PNG at :data:`DPI` for the width it is shown at, crisp in print, by the
deck's drawing code (:mod:`mi_courseware.rendering.pptx.images`): in a child process the
time limit can stop, with the theme's own fonts and nothing from outside the SVG. Every file
is read only when the document's list of files allows it (the same list the PDFs keep to).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mi_courseware.errors import ContentError, Position, Problem
from mi_courseware.rendering.fetcher import ALLOWED_FILES, Fence
from mi_courseware.rendering.pptx.images import DPI as DECK_DPI
from mi_courseware.rendering.pptx.images import Drawing, Picture, draw_svg, load_picture

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


#: At most this many diagrams are drawn at once (each in a child process of its own).
AT_ONCE = 4
#: Diagrams drawn (PNG) or being drawn, by what they are drawn from: each drawn once per
#: process, the last :data:`KEPT` kept.
_DRAWN: dict[tuple[str, Path, int, Font], bytes | Drawing] = {}
KEPT = 64


def diagram(svg: str, where: Path, width_mm: float, font: Font) -> Callable[[], bytes]:
    """Start drawing a diagram the tool drew, as PNG for ``width_mm`` at DPI; the PNG comes
    from the function returned (drawing a diagram takes a tenth of a second: the document
    is written on meanwhile, and a pack's diagrams are drawn side by side)."""
    key = (svg, where, round(width_mm / 25.4 * DPI), font)
    if key not in _DRAWN:
        drawing = [k for k, v in _DRAWN.items() if not isinstance(v, bytes)]
        if len(drawing) >= AT_ONCE:  # the oldest finished first
            _finish(drawing[0])
        _DRAWN[key] = draw_svg(svg, where, key[2], font.folder, font.family)
        done = [k for k, v in _DRAWN.items() if isinstance(v, bytes)]
        for old in done[: max(0, len(_DRAWN) - KEPT)]:
            del _DRAWN[old]
    return functools.partial(_finish, key)


def _finish(key: tuple[str, Path, int, Font]) -> bytes:
    value = _DRAWN[key]
    if not isinstance(value, bytes):
        try:
            value = value.result().data
        except BaseException:
            del _DRAWN[key]  # (not kept: drawn again, and failing again, if asked again)
            raise
        _DRAWN[key] = value
    return value


@contextmanager
def drawings_stopped_on_failure() -> Iterator[None]:
    """A block writing a document: if it fails, every diagram still being drawn is stopped
    (no child process is left drawing for a document that will not be saved)."""
    try:
        yield
    except BaseException:
        for key, value in list(_DRAWN.items()):
            if not isinstance(value, bytes):
                value.cancel()
                del _DRAWN[key]
        raise


def shown_width_mm(image: Picture, widest_mm: float) -> float:
    """How wide a picture is shown: its own size at screen resolution, at most ``widest``."""
    return min(widest_mm, image.width / SCREEN_PPI * 25.4)
