"""The personal layer set directly, without a layout engine, where that is exactly right.

A certificate's personal text is four single lines: the name (shrunk to fit, :mod:`.fit`), the
certificate number, the verification code and the issue date, each in a fixed font subset
(:mod:`.fonts`). Set in plain text operators they cost microseconds instead of a WeasyPrint
layout. What the layout engine would do is learned from it once per run (:func:`calibrate`):
the personal layer of three made-up people is rendered by WeasyPrint, and from those pages
come the content stream around the four lines, where each line starts, how the name's
baseline moves with its size, each line's letter spacing, and the structure tree (the same for
everyone). The three pages are then set again here and compared glyph by glyph with
WeasyPrint's; if anything differs (another template, alignment or shaping) the run keeps the
WeasyPrint path. A name is set here only when plain advances and pair kerning are all its
shaping needs (:func:`settable`); any other goes through WeasyPrint as before.
"""

from __future__ import annotations

import logging
import math
import re
import struct
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from mi_courseware.certificates.design import Design, Person, parse_stamp

SLOTS = ("name", "number", "code", "issued")
_RUN = re.compile(
    rb"BT\n1 0 0 -1 ([-\d.]+) ([-\d.]+) Tm\n/(\w+) ([-\d.]+) Tf\n\[(.*?)\] TJ\nET", re.S
)
_TJ_PART = re.compile(rb"<([0-9a-fA-F]*)>|(-?[\d.]+(?:e-?\d+)?)")
TOLERANCE_PX = 0.12
"""How far (CSS px) a glyph set here may sit from WeasyPrint's for the path to be used."""
_NO_LOCL = {"ro", "mo"}  # languages whose forms the fonts' locl feature changes


@dataclass(frozen=True)
class Metrics:
    """What setting one line needs from a font: glyphs, advances and kerning (1/1000 em)."""

    glyphs: dict[int, int]
    advances: dict[int, float]
    kerning: dict[tuple[int, int], float]
    shaped: bool  # the font has positioning features a plain setter does not apply


@lru_cache(maxsize=4)
def metrics(path: Path) -> Metrics:
    """The font's cmap, advance widths and ``kern`` table pairs (read once per process)."""
    from fontTools.ttLib import TTFont

    quiet = logging.getLogger("fontTools.ttLib.tables._k_e_r_n")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # Open Sans' kern table overstates its length; harmless
    try:
        with TTFont(str(path), lazy=True) as font:
            scale = 1000 / font["head"].unitsPerEm
            order = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
            glyphs = {code: order[name] for code, name in font.getBestCmap().items()}
            advances = {order[n]: w * scale for n, (w, _) in font["hmtx"].metrics.items()}
            kerning: dict[tuple[int, int], float] = {}
            if "kern" in font:
                for table in font["kern"].kernTables:
                    if getattr(table, "format", 0) == 0 and getattr(table, "coverage", 1) == 1:
                        for (left, right), value in table.kernTable.items():
                            if left in order and right in order:
                                kerning[order[left], order[right]] = value * scale
            gpos = font["GPOS"].table if "GPOS" in font else None
            shaped = bool(gpos and gpos.FeatureList and gpos.FeatureList.FeatureRecord)
    finally:
        quiet.setLevel(level)
    return Metrics(glyphs, advances, kerning, shaped)


def settable(text: str, codepoints: frozenset[int]) -> bool:
    """Whether plain advances and pair kerning set ``text`` as a shaping engine would."""
    if not text or " ".join(text.split(" ")) != text or text != text.strip():
        return False
    for char in text:
        if ord(char) not in codepoints or unicodedata.combining(char):
            return False
        if unicodedata.category(char)[0] in "CMZ" and char != " ":
            return False
        if unicodedata.bidirectional(char) in ("R", "AL", "AN", "RLE", "RLO", "RLI"):
            return False
    return "  " not in text


def tj(font: Metrics, text: str, spacing: float) -> tuple[bytes, list[float]]:
    """``[...] TJ`` operand for ``text``, and each glyph's pen position (1/1000 em)."""
    gids = [font.glyphs[ord(c)] for c in text]
    parts: list[bytes] = []
    positions: list[float] = []
    start, pen = 0, 0.0
    for i, gid in enumerate(gids):
        positions.append(pen)
        pen += font.advances[gid]
        if i + 1 == len(gids):
            break
        shift = font.kerning.get((gid, gids[i + 1]), 0.0) + spacing
        if shift:
            pen += shift
            parts.append(_hex(gids[start : i + 1]))
            parts.append(_number(-shift))
            start = i + 1
    parts.append(_hex(gids[start:]))
    return b"[" + b"".join(parts) + b"]", positions


def _hex(gids: list[int]) -> bytes:
    return b"<" + struct.pack(f">{len(gids)}H", *gids).hex().encode() + b">"


def _number(value: float) -> bytes:
    return (b"%.3f" % value).rstrip(b"0").rstrip(b".") or b"0"


@dataclass(frozen=True)
class Slot:
    """Where one personal line goes: its font (resource name), size, start and spacing."""

    kind: str
    font: bytes
    size: float
    x: bytes
    y: bytes
    spacing: float


@dataclass(frozen=True)
class Direct:
    """A run's calibrated personal layer: the stream around the lines, and the structure."""

    parts: tuple[bytes | Slot, ...]
    name_x: bytes
    baseline: tuple[float, float]  # name baseline (px) = a + b * size (px)
    structure: bytes
    offsets: dict[int, int]
    fonts: dict[bytes, Path]
    name_codepoints: frozenset[int]
    text_codepoints: frozenset[int]

    def content(self, lines: dict[str, Any]) -> bytes:
        """The personal content stream for one person's lines (see :func:`lines_of`)."""
        out: list[bytes] = []
        for part in self.parts:
            if isinstance(part, bytes):
                out.append(part)
                continue
            font = metrics(self.fonts[part.font])
            operand, _ = tj(font, lines[part.kind], part.spacing)
            if part.kind == "name":
                size = lines["size"]
                y = b"%.6f" % (self.baseline[0] + self.baseline[1] * size)
                x, font_size = self.name_x, size
            else:
                x, y, font_size = part.x, part.y, part.size
            out.append(
                b"BT\n1 0 0 -1 %s %s Tm\n/%s %.6f Tf\n%s TJ\nET"
                % (x, y, part.font, font_size, operand)
            )
        return b"".join(out)


def pango_size(points: float) -> float:
    """A font size in CSS px as the layout engine keeps it (1/1024 px steps, truncated)."""
    return math.floor(points * 4 / 3 * 1024) / 1024


def issued_text(design: Design, person: Person) -> str:
    """The issue line as the personal layer shows it (the primary language only)."""
    t = design.say_in[design.primary]

    def dated(key: str, when: date) -> str:
        return t(key, date=t.date(when))

    text = dated("certificate.issued", parse_stamp(person.issued_at).date())
    if person.reissued:
        text += " · " + dated("certificate.reissued", parse_stamp(person.changed_at).date())
    return text


def lines_of(design: Design, direct: Direct, person: Person) -> dict[str, Any] | None:
    """One person's lines, or None when this path cannot set them exactly."""
    size, count = design.name_size(person.name)
    issued = issued_text(design, person)
    if count != 1 or not settable(person.name, direct.name_codepoints):
        return None
    if not all(settable(t, direct.text_codepoints) for t in (person.number, person.code, issued)):
        return None
    return {
        "name": person.name,
        "size": pango_size(size),
        "number": person.number,
        "code": person.code,
        "issued": issued,
    }
