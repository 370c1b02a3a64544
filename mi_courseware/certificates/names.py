"""Setting a participant's name on the certificate: shrink, then wrap, then refuse.

The name is the largest text on a certificate. A long name (double-barrelled surnames,
several given names) is set smaller until it fits one line, down to :data:`ONE_LINE_FLOOR`;
below that it is broken at the space that balances two lines best and set as large as both
lines allow, down to :data:`FLOOR`. A name that two lines at the floor cannot hold is refused
(the caller names its roster row): it would overlap the text under it. Widths are the
shaped widths of the name font (:mod:`mi_courseware.loading.fontmetrics`), kerning included,
so what is measured here is what WeasyPrint and the certificate setter both draw.
"""

from __future__ import annotations

import math
from pathlib import Path

from mi_courseware.certificates.common import CertificateError

LARGEST = 32.0
"""The design's size for a name (points)."""
ONE_LINE_FLOOR = 20.0
"""The smallest size a name is set on one line; below it, it wraps."""
FLOOR = 16.0
"""The smallest size a two-line name is set at; below it, it is refused."""
SAFETY = 0.98
"""Share of the line a measured width may fill (rounding never pushes it over)."""


def words(name: str) -> str:
    """The name as HTML shows it: runs of white space as one space, none at the ends."""
    return " ".join(name.split())


def _size(width_em: float, box_pt: float, largest: float) -> float:
    """The largest size (quarter points) at which ``width_em`` fits ``box_pt``."""
    if width_em <= 0:
        return largest
    return min(largest, math.floor(box_pt * SAFETY / width_em * 4) / 4)


def layout_name(
    name: str, fonts: list[Path], box_pt: float, language: str
) -> tuple[float, tuple[str, ...]]:
    """The name's size in points and its lines (one or two).

    Measured with the first of ``fonts`` (the name font, then supplementary fonts for other
    scripts) that has every letter of the name.

    Raises :class:`~mi_courseware.certificates.common.CertificateError` when even two lines
    at :data:`FLOOR` cannot hold it.
    """
    from mi_courseware.loading.fontmetrics import face

    shown = words(name)
    faces = [face(font) for font in fonts]
    measure = next((f for f in faces if not f.missing(shown)), faces[0])

    def width(text: str) -> float:
        return measure.shape(text, language).width

    size = _size(width(shown), box_pt, LARGEST)
    if size >= ONE_LINE_FLOOR:
        return size, (shown,)
    best: tuple[float, tuple[str, str]] | None = None
    parts = shown.split(" ")
    for cut in range(1, len(parts)):
        lines = (" ".join(parts[:cut]), " ".join(parts[cut:]))
        widest = max(width(line) for line in lines)
        if best is None or widest < best[0]:
            best = (widest, lines)
    if best is not None:
        size = _size(best[0], box_pt, ONE_LINE_FLOOR)
        if size >= FLOOR:
            return size, best[1]
    raise CertificateError(
        f"the name is too long for the certificate ({len(shown)} characters): it does not "
        f"fit two lines at {FLOOR:g} pt; shorten it in the roster (the register keeps what "
        "the roster says)"
    )
