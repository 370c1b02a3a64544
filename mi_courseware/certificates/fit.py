"""Fitting a participant's name on one line, measured with the font's own metrics.

The name is the largest text on a certificate. Long names (double-barrelled surnames, several
given names) are set smaller until they fit the line, down to a floor; only below the floor do
they wrap. Widths come from the TrueType file's advance widths, so the result is the same on
every machine and never depends on the layout engine's guesswork.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

#: Share of the box the measured width may use: kerning and rounding never push it over.
SAFETY = 0.96


@lru_cache(maxsize=8)
def _metrics(font: Path) -> tuple[dict[int, float], float]:
    """Advance width of every character in ``font``, in ems, and a fallback width."""
    from fontTools.ttLib import TTFont

    with TTFont(str(font), lazy=True) as tt:
        per_em = float(tt["head"].unitsPerEm)
        advances = tt["hmtx"].metrics
        cmap = tt.getBestCmap() or {}
        widths = {code: advances[glyph][0] / per_em for code, glyph in cmap.items()}
    fallback = widths.get(ord("M"), 0.8)  # glyphs the font lacks come from a fallback font
    return widths, fallback


def text_width(text: str, font: Path) -> float:
    """Width of ``text`` set in ``font`` at 1 pt, in points."""
    widths, fallback = _metrics(font)
    return sum(widths.get(ord(c), fallback) for c in text)


def fit_size(text: str, font: Path, box_pt: float, largest: float, smallest: float) -> float:
    """The font size (pt, in quarter points) that sets ``text`` on one line of ``box_pt``.

    Never larger than ``largest``; never smaller than ``smallest`` (the text then wraps).
    """
    width = text_width(text, font)
    if width <= 0:
        return largest
    size = min(largest, box_pt * SAFETY / width)
    return max(smallest, math.floor(size * 4) / 4)


def covers(text: str, font: Path) -> bool:
    """Whether ``font`` has a glyph for every visible character of ``text``."""
    widths, _ = _metrics(font)
    return all(ord(c) in widths for c in text if not c.isspace() and c.isprintable())
