"""The fonts of the personal text: one fixed subset per font, the same for every certificate.

The setter shapes text with HarfBuzz on the whole font; the subset keeps the font's own glyph
numbers, so shaped glyphs point straight into it. A subset fixed in advance (every letter a
name may plausibly use, and what the font's substitutions make of them) is what keeps a
certificate's bytes independent of its batch-mates and of whoever joins the roster later.
A glyph outside it sends that certificate to the whole-page path.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

NAME_BLOCKS = [
    (0x0020, 0x024F),
    (0x0250, 0x02FF),
    (0x0300, 0x036F),
    (0x0370, 0x03FF),
    (0x0400, 0x052F),
    (0x1E00, 0x1EFF),
    (0x1F00, 0x1FFF),
    (0x2000, 0x206F),
]
"""Scripts of names: Latin (with Vietnamese), IPA, combining marks, Greek, Cyrillic."""

TEXT_BLOCKS = [(0x0020, 0x017F), (0x1E80, 0x1E85), (0x1EF2, 0x1EF3), (0x2000, 0x206F)]
"""Fine print (numbers, codes, dates, fixed wording): Latin, Welsh letters, punctuation."""


@dataclass(frozen=True, eq=False)
class FontSubset:
    """A fixed subset: font program, glyph widths and the text of each glyph."""

    name: str
    program: bytes
    widths: dict[int, float]
    text: dict[int, str]
    ascent: int
    descent: int
    bbox: tuple[int, int, int, int]
    italic_angle: float
    codepoints: frozenset[int]

    def covers(self, text: str) -> bool:
        """Whether every character of ``text`` has a glyph in this subset."""
        return all(ord(c) in self.codepoints for c in text if c.isprintable())


def _wanted(cmap: dict[int, str], blocks: list[tuple[int, int]]) -> list[int]:
    return [c for c in cmap if any(lo <= c <= hi for lo, hi in blocks)]


@lru_cache(maxsize=4)
def subset_font(path: Path, blocks: tuple[tuple[int, int], ...]) -> FontSubset:
    """The subset of ``path`` for the Unicode ``blocks``; computed once per process."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    with TTFont(str(path), recalcTimestamp=False) as font:  # same bytes every run
        cmap = font.getBestCmap()
        per_em = font["head"].unitsPerEm
        order = font.getGlyphOrder()  # glyph numbers are kept (retain_gids), names are not
        metrics = dict(font["hmtx"].metrics)
        options = subset.Options(
            retain_gids=True,
            hinting=False,
            notdef_outline=True,
            ignore_missing_glyphs=True,
            name_IDs=[1, 2, 4, 6],
        )
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=_wanted(cmap, list(blocks)))
        subsetter.subset(font)
        for table in ("GSUB", "GPOS", "GDEF", "DSIG"):  # layout is WeasyPrint's job
            if table in font:
                del font[table]
        kept = subsetter.glyphs_retained
        widths = {
            gid: round(metrics[name][0] * 1000 / per_em, 1)
            for gid, name in enumerate(order)
            if name in kept
        }
        gid_of = {name: gid for gid, name in enumerate(order)}
        text: dict[int, str] = {}
        codepoints = set()
        for code, name in sorted(cmap.items()):
            gid = gid_of[name]
            if gid in widths and any(lo <= code <= hi for lo, hi in blocks):
                codepoints.add(code)
                text.setdefault(gid, chr(code))
        head, hhea = font["head"], font["hhea"]
        scale = 1000 / per_em
        italic = float(font["post"].italicAngle) if "post" in font else 0.0
        out = io.BytesIO()
        font.save(out)
        program = out.getvalue()
        postscript = font["name"].getDebugName(6) or path.stem
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])
    return FontSubset(
        name=f"{tag}+{postscript}",
        program=program,
        widths=widths,
        text=text,
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        bbox=(
            round(head.xMin * scale),
            round(head.yMin * scale),
            round(head.xMax * scale),
            round(head.yMax * scale),
        ),
        italic_angle=italic,
        codepoints=frozenset(codepoints),
    )


def font_objects(pdf: Any, subset: FontSubset) -> Any:
    """The PDF objects of ``subset`` in ``pdf`` (a pikepdf ``Pdf``); returns the Type0 font.

    A Type0 font with Identity-H encoding, so two-byte codes are the font's glyph numbers.
    """
    from pikepdf import Array, Dictionary, Name, Stream, String

    program = Stream(pdf, subset.program)
    program.Length1 = len(subset.program)
    descriptor = pdf.make_indirect(
        Dictionary(
            Type=Name.FontDescriptor,
            FontName=Name("/" + subset.name),
            Flags=4,
            ItalicAngle=subset.italic_angle,
            FontBBox=Array(list(subset.bbox)),
            Ascent=subset.ascent,
            Descent=subset.descent,
            CapHeight=subset.bbox[3],
            StemV=80,
            FontFile2=pdf.make_indirect(program),
        )
    )
    cid = pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.CIDFontType2,
            BaseFont=Name("/" + subset.name),
            CIDSystemInfo=Dictionary(
                Registry=String("Adobe"), Ordering=String("Identity"), Supplement=0
            ),
            CIDToGIDMap=Name.Identity,
            FontDescriptor=descriptor,
            W=Array(_widths(subset.widths)),
        )
    )
    return pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type0,
            BaseFont=Name("/" + subset.name),
            Encoding=Name("/Identity-H"),
            DescendantFonts=Array([cid]),
            ToUnicode=pdf.make_indirect(Stream(pdf, _cmap(subset.text))),
        )
    )


def _widths(widths: dict[int, float]) -> list[Any]:
    """The ``/W`` array: runs of consecutive glyph numbers and their widths."""
    out: list[Any] = []
    run: list[float] | None = None
    for gid in sorted(widths):
        if run is None or gid - 1 not in widths:
            run = []
            out += [gid, run]
        value = widths[gid]
        run.append(int(value) if value == int(value) else value)
    return out


def _cmap(text: dict[int, str]) -> bytes:
    items = sorted(text.items())
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        lines += [b"<%04x> <%s>" % (gid, s.encode("utf-16-be").hex().encode()) for gid, s in chunk]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
