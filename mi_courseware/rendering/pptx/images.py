"""Pictures for decks: PNG and JPEG as they are, SVG rasterised for projection.

python-pptx and many PowerPoint versions cannot show SVG, so SVG logos are drawn to PNG with
resvg (a self-contained wheel), using only the theme's own fonts so that the pixels are the
same on every machine, and with every reference to anything outside the SVG removed first
(:func:`mi_courseware.images.sanitised_svg`), so nothing from another file reaches the deck.
The aspect ratio is kept; the long side gets enough pixels for the largest place the picture
is shown at ``DPI``.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_courseware.errors import ContentError

log = logging.getLogger(__name__)

#: Pixels per inch of slide for rasterised pictures (a 16:9 slide shown 1920 px wide is 144 ppi).
DPI = 160
_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass(frozen=True)
class Picture:
    """Image bytes ready for the package, with its pixel size."""

    data: bytes
    extension: str
    content_type: str
    width: int
    height: int

    @property
    def aspect(self) -> float:
        """Width over height."""
        return self.width / self.height if self.height else 1.0


def load_picture(path: Path, longest_inches: float, font_dir: Path, family: str) -> Picture:
    """Read a picture; SVG is rasterised with ``longest_inches`` × DPI pixels on its long side.

    Every picture passes :func:`mi_courseware.images.image_problem` first (the rule
    validation applies), so a truncated file or a decompression bomb never reaches the deck.
    Text in an SVG is drawn with the theme's font (``family`` in ``font_dir``) only.
    """
    from mi_courseware.images import image_problem

    suffix = path.suffix.lower()
    if suffix not in _TYPES and suffix != ".svg":
        raise ContentError.single(
            path, f"cannot put a '{suffix}' picture on a slide (use SVG, PNG or JPEG)"
        )
    problem = image_problem(path)
    if problem:
        raise ContentError.single(path, f"'{path.name}' {problem}")
    if suffix == ".svg":
        return _rasterise(path, round(longest_inches * DPI), font_dir, family)
    data = path.read_bytes()
    width, height = _pixel_size(data)
    return Picture(data, suffix.lstrip(".").replace("jpeg", "jpg"), _TYPES[suffix], width, height)


def _rasterise(path: Path, longest: int, font_dir: Path, family: str) -> Picture:
    """Draw an SVG to PNG with no access to files or network (outside references removed)."""
    import tempfile

    import resvg_py

    from mi_courseware.images import sanitised_svg

    svg, removed = sanitised_svg(path.read_bytes())
    if removed:
        log.warning(
            "%s: left out of the deck's copy of this picture (it may not load anything from "
            "outside the SVG): %s",
            path,
            "; ".join(removed),
        )
    width, height = _svg_size(svg)
    try:
        with tempfile.TemporaryDirectory(prefix="mi-svg-") as empty:
            options: dict[str, Any] = {
                "svg_string": svg,
                "skip_system_fonts": True,
                "font_dirs": [str(font_dir)],
                "font_family": family,
                "sans_serif_family": family,
                "serif_family": family,
                "resources_dir": empty,  # relative references resolve into an empty folder
            }
            if width <= 0 or height <= 0:
                width, height = _pixel_size(bytes(resvg_py.svg_to_bytes(**options)))
            wide = width >= height
            data = resvg_py.svg_to_bytes(
                **options, width=longest if wide else None, height=None if wide else longest
            )
    except ValueError as exc:
        raise ContentError.single(path, f"cannot draw this SVG: {exc}") from None
    width, height = _pixel_size(bytes(data))
    return Picture(bytes(data), "png", "image/png", width, height)


def _svg_size(svg: str) -> tuple[float, float]:
    """The SVG's width and height from its viewBox (or width/height), 0 when unknown."""
    from lxml import etree

    root = etree.fromstring(svg.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4:
            return float(box[2]), float(box[3])
        return float((root.get("width") or "0").removesuffix("px")), float(
            (root.get("height") or "0").removesuffix("px")
        )
    except ValueError:
        return 0, 0


def _pixel_size(data: bytes) -> tuple[int, int]:
    """Pixel size of PNG or JPEG bytes (already checked by :func:`image_problem`)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size
