"""Pictures for decks: PNG and JPEG as they are, SVG rasterised for projection.

python-pptx and many PowerPoint versions cannot show SVG, so SVG logos are drawn to PNG with
resvg (a self-contained wheel), using only the theme's own fonts so that the pixels are the
same on every machine. The aspect ratio is kept; the long side gets enough pixels for the
largest place the picture is shown at ``DPI``.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

from mi_courseware.errors import ContentError

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

    Text in an SVG is drawn with the theme's font (``family`` in ``font_dir``) only.
    """
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return _rasterise(path, round(longest_inches * DPI), font_dir, family)
    if suffix not in _TYPES:
        raise ContentError.single(
            path, f"cannot put a '{suffix}' picture on a slide (use SVG, PNG or JPEG)"
        )
    data = path.read_bytes()
    width, height = _pixel_size(data, path)
    return Picture(data, suffix.lstrip(".").replace("jpeg", "jpg"), _TYPES[suffix], width, height)


def _rasterise(path: Path, longest: int, font_dir: Path, family: str) -> Picture:
    try:
        import resvg_py
    except ImportError:  # pragma: no cover - a dependency of the package
        raise ContentError.single(path, "SVG logos need the 'resvg-py' package") from None
    svg = path.read_text(encoding="utf-8")
    try:
        width, height = _svg_size(svg)
        if width <= 0 or height <= 0:
            probe = resvg_py.svg_to_bytes(svg_string=svg, skip_system_fonts=True)
            width, height = _pixel_size(probe, path)
        wide = width >= height
        data = resvg_py.svg_to_bytes(
            svg_string=svg,
            skip_system_fonts=True,
            font_dirs=[str(font_dir)],
            font_family=family,
            sans_serif_family=family,
            serif_family=family,
            resources_dir=str(path.parent),
            width=longest if wide else None,
            height=None if wide else longest,
        )
    except ValueError as exc:
        raise ContentError.single(path, f"cannot draw this SVG: {exc}") from None
    width, height = _pixel_size(data, path)
    return Picture(bytes(data), "png", "image/png", width, height)


def _svg_size(svg: str) -> tuple[float, float]:
    """The SVG's width and height from its viewBox (or width/height), 0 when unknown."""
    root = re.search(r"<svg\b[^>]*>", svg)
    if root is None:
        return 0, 0
    tag = root.group(0)
    box = re.search(r'viewBox\s*=\s*["\']([^"\']+)["\']', tag)
    if box:
        numbers = re.split(r"[\s,]+", box.group(1).strip())
        if len(numbers) == 4:
            try:
                return float(numbers[2]), float(numbers[3])
            except ValueError:
                pass
    sizes = [re.search(rf'\b{n}\s*=\s*["\']([0-9.]+)(px)?["\']', tag) for n in ("width", "height")]
    if sizes[0] and sizes[1]:
        return float(sizes[0].group(1)), float(sizes[1].group(1))
    return 0, 0


def _pixel_size(data: bytes, path: Path) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                index += 1
                continue
            marker = data[index + 1]
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return width, height
            index += 2 + length
    raise ContentError.single(path, "not a readable PNG or JPEG picture")
