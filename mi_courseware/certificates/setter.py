"""Setting one person's text on the shared design: HarfBuzz shaping, positions from anchors.

Each line is shaped with the font WeasyPrint uses for it (kerning, marks, GPOS and all, as
Pango does through the same HarfBuzz) and drawn where the background's anchors put it
(:mod:`.background`), inside the marked-content sequence its hidden text left, so the
structure tree reads the person's name as the certificate's heading. A glyph outside the
fixed font subset, or text that needs a layout engine (right-to-left scripts, a character
the certificate fonts lack), raises :class:`NotSettable`: that certificate is rendered as a
whole page instead, and the run says so.
"""

from __future__ import annotations

import math
import struct
import unicodedata
from pathlib import Path

from mi_courseware.certificates.background import FONTS, PX, Background, Place, bold
from mi_courseware.certificates.common import FINE_LINE_HEIGHT, INK, LINE_HEIGHT, SLOTS, Lines
from mi_courseware.certificates.fonts import FontSubset

_RTL = {"R", "AL", "AN", "RLE", "RLO", "RLI", "RLM"}


class NotSettable(Exception):
    """This person's text needs the whole-page path (the message says why)."""


def pango_size(points: float) -> float:
    """A font size as the layout engine keeps it (1/1024 px steps, truncated), in points."""
    return math.floor(points / PX * 1024) / 1024 * PX


def _ink(colour: str) -> bytes:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return b"%.4f %.4f %.4f rg" % (red, green, blue)


def _hex(glyphs: list[int]) -> bytes:
    return b"<" + struct.pack(f">{len(glyphs)}H", *glyphs).hex().encode() + b">"


def _utf16(text: str) -> bytes:
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


def set_line(
    text: str,
    font: Path,
    subset: FontSubset,
    resource: str,
    size: float,
    position: tuple[float, float],
    language: str,
) -> bytes:
    """``BT ... ET`` drawing ``text`` from pen position (x, y) at ``size`` points."""
    from mi_courseware.loading.fontmetrics import face

    for char in text:
        if unicodedata.bidirectional(char) in _RTL:
            raise NotSettable("right-to-left text is laid out by the whole-page path")
    x, y = position
    measure = face(font)
    missing = measure.missing(text)
    if missing:
        raise NotSettable(
            f"'{missing[0]}' (U+{ord(missing[0]):04X}) is set in a supplementary font"
        )
    shaped = measure.shape(text, language)
    if any(g not in subset.widths for g in shaped.glyphs):
        raise NotSettable("it has letters outside the certificate fonts' fixed set")
    parts: list[bytes] = []
    run: list[int] = []
    array: list[bytes] = []
    pen = 0.0

    def flush() -> None:
        if run:
            array.append(_hex(run))
            run.clear()

    start = x
    for glyph, advance, (dx, dy) in zip(
        shaped.glyphs, shaped.advances, shaped.offsets, strict=True
    ):
        if dx or dy:  # a mark placed by GPOS: drawn on its own, then back to the run
            flush()
            if array:
                parts.append(b"[" + b"".join(array) + b"] TJ")
                array.clear()
            where = (x + (pen + dx) * size, y + dy * size)
            parts.append(b"1 0 0 1 %.3f %.3f Tm %s Tj" % (*where, _hex([glyph])))
            pen += advance
            start = x + pen * size
            parts.append(b"1 0 0 1 %.3f %.3f Tm" % (start, y))
            continue
        run.append(glyph)
        pen += advance
        drawn = subset.widths[glyph] / 1000
        if abs(advance - drawn) > 1e-6:  # kerning: the pen moves other than the glyph's width
            flush()
            array.append(b"%.1f" % round(-(advance - drawn) * 1000, 1))
    flush()
    if array:
        parts.append(b"[" + b"".join(array) + b"] TJ")
    head = b"1 0 0 1 %.3f %.3f Tm" % (x, y)
    return b"BT /%s %.4f Tf %s\n%s\nET" % (
        resource.encode(),
        size,
        head,
        b"\n".join(parts),
    )


def personal_content(background: Background, lines: Lines, fonts: dict[str, Path]) -> bytes:
    """The personal content stream of one certificate (text, then the QR code)."""
    out: list[bytes] = []
    for kind in SLOTS:
        place: Place = background.places[kind]
        texts = lines.slot(kind)
        face = "bold" if bold(kind) else "regular"
        subset = background.bold if face == "bold" else background.regular
        if kind == "name":
            size = pango_size(lines.name_size)
            step = LINE_HEIGHT * size
            last = place.baseline + background.name_drop * (lines.name_size - place.size)
            first = last + step * (len(texts) - 1)
        else:
            size = pango_size(place.size)
            step = FINE_LINE_HEIGHT * size
            first = place.baseline
        body = [
            set_line(
                text if index + 1 == len(texts) else text + " ",  # lines read as one text
                fonts[face],
                subset,
                FONTS[face],
                size,
                (place.x, first - step * index),
                background.language,
            )
            for index, text in enumerate(texts)
        ]
        shown = " ".join(texts)
        actual = b" /ActualText " + _utf16(shown) if not _maps_back(shown) else b""
        tag = place.tag.lstrip("/").encode()
        out.append(
            b"/%s <</MCID %d%s>> BDC %s\n%s\nEMC"
            % (tag, place.mcid, actual, _ink(INK[kind]), b"\n".join(body))
        )
    return b"\n".join(out)


def _maps_back(text: str) -> bool:
    """Whether the fonts' ToUnicode maps give back ``text`` character for character (text
    composed as the shaper composes it, with no marks of its own); else ``/ActualText``
    carries the text as written."""
    return unicodedata.is_normalized("NFC", text) and all(
        not unicodedata.combining(c) for c in text
    )
