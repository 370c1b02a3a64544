"""Font metrics from the font files themselves, for decks and certificates alike.

Everything that measures or sets text outside a layout engine reads its fonts here, through
HarfBuzz (``uharfbuzz``), the shaper Pango uses under WeasyPrint: advance widths and
coverage for the deck's line fitting, and shaped glyph runs (kerning, marks, GPOS) for the
certificates' personal text. A face is read once per process and per file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

#: OpenType features a shaper applies that CSS ``font-variant-ligatures: none`` turns off.
NO_LIGATURES = {"liga": False, "clig": False, "dlig": False, "hlig": False, "calt": False}


@dataclass(frozen=True)
class Shaped:
    """A shaped run: glyph ids, the text each glyph came from, and positions in ems."""

    glyphs: tuple[int, ...]
    clusters: tuple[int, ...]
    advances: tuple[float, ...]
    offsets: tuple[tuple[float, float], ...]  # (x, y) offset of each glyph from its pen

    @property
    def width(self) -> float:
        """The run's advance width in ems."""
        return sum(self.advances)


class Face:
    """One font file: coverage, advance widths and shaping."""

    def __init__(self, path: Path) -> None:
        import uharfbuzz as hb

        self.path = path
        self._face = hb.Face(hb.Blob.from_file_path(str(path)))
        self._font = hb.Font(self._face)
        self.units = float(self._face.upem)
        self._advances: dict[str, float] = {}
        nominal = self._font.get_nominal_glyph(ord("M"))
        #: Width given to characters the font lacks: an "M", which errs on the safe side.
        self.fallback = self._font.get_glyph_h_advance(nominal) / self.units if nominal else 0.9
        extents = self._font.get_font_extents("ltr")
        #: Ascender and descender (positive, ems) as the shaper reports them.
        self.ascent = extents.ascender / self.units
        self.descent = -extents.descender / self.units

    def __contains__(self, char: str) -> bool:
        return self._font.get_nominal_glyph(ord(char)) is not None

    def glyph(self, char: str) -> int | None:
        """The glyph id the font's cmap gives ``char``, or None."""
        return self._font.get_nominal_glyph(ord(char))

    def advance(self, char: str) -> float:
        """The advance width of one character in ems (:attr:`fallback` when missing)."""
        value = self._advances.get(char)
        if value is None:
            glyph = self._font.get_nominal_glyph(ord(char))
            value = (
                self.fallback
                if glyph is None
                else self._font.get_glyph_h_advance(glyph) / self.units
            )
            self._advances[char] = value
        return value

    def width(self, text: str) -> float:
        """The width of ``text`` in ems, summed from advances (no kerning)."""
        return sum(self.advance(char) for char in text)

    def shape(self, text: str, language: str, features: dict[str, Any] | None = None) -> Shaped:
        """``text`` shaped as Pango would set it (kerning and marks; ligatures as asked)."""
        import uharfbuzz as hb

        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.language = language
        hb.shape(self._font, buffer, features if features is not None else NO_LIGATURES)
        scale = self.units
        infos, positions = buffer.glyph_infos, buffer.glyph_positions
        return Shaped(
            tuple(i.codepoint for i in infos),
            tuple(i.cluster for i in infos),
            tuple(p.x_advance / scale for p in positions),
            tuple((p.x_offset / scale, p.y_offset / scale) for p in positions),
        )

    def missing(self, text: str) -> list[str]:
        """Visible characters of ``text`` this font has no glyph for, in order, once each.

        Text is composed first (NFC), as the shaper does: an "e" with a combining diaeresis
        needs only an "ë" glyph.
        """
        composed = unicodedata.normalize("NFC", text)
        return [c for c in dict.fromkeys(composed) if visible(c) and c not in self]


@lru_cache(maxsize=32)
def face(path: Path) -> Face:
    """The :class:`Face` of a font file (read once per process)."""
    return Face(path)


def visible(char: str) -> bool:
    """Whether a character needs a glyph (not a space, control or format character)."""
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp")


def uncovered(text: str, fonts: list[Path]) -> list[str]:
    """Visible characters of ``text`` that none of ``fonts`` has, in order, once each."""
    composed = unicodedata.normalize("NFC", text)
    chars = [c for c in dict.fromkeys(composed) if visible(c)]
    faces: list[Face] = []
    missing = []
    for char in chars:  # fonts are opened only as far as a character needs them
        found = any(char in f for f in faces)
        while not found and len(faces) < len(fonts):
            faces.append(face(fonts[len(faces)]))
            found = char in faces[-1]
        if not found:
            missing.append(char)
    return missing


def describe(chars: list[str], limit: int = 3) -> str:
    """Characters for a message: ``'😀' (U+1F600 GRINNING FACE)``, a few at most."""
    parts = []
    for char in chars[:limit]:
        name = unicodedata.name(char, "").lower() or "unnamed character"
        shown = f"'{char}' " if unicodedata.category(char) not in ("Co", "Cn") else ""
        parts.append(f"{shown}(U+{ord(char):04X} {name})")
    more = f" and {len(chars) - limit} more" if len(chars) > limit else ""
    return ", ".join(parts) + more
