"""Learning the personal layer's geometry from WeasyPrint, once per run (see :mod:`.direct`).

Three made-up people, chosen so that their names are set at three different sizes, their
numbers, codes and issue lines differ in length, and their text has kerning pairs, accents,
Greek and the letters a language-specific font feature would change, are rendered as a
personal layer. Everything the three pages share becomes the fixed part of every personal
layer; the lines that differ must be exactly the name, number, code and issue line, and must
come out the same when set by :mod:`.direct`, or the run keeps the WeasyPrint path.
"""

from __future__ import annotations

import io
import re
from typing import Any

from mi_courseware.certificates.design import Design, Person
from mi_courseware.certificates.direct import (
    _NO_LOCL,
    _RUN,
    _TJ_PART,
    SLOTS,
    TOLERANCE_PX,
    Direct,
    Slot,
    issued_text,
    lines_of,
    metrics,
    pango_size,
    tj,
)
from mi_courseware.certificates.layers import BOLD, TEXT, LayerMismatch, Shared

CALIBRATION = (
    Person("A-2027-000001", "7KQ2-M9XD-F3HG", "Ŵyn D'Arcy-Tőwy", "2027-01-05T09:00:00Z",
           "2027-01-05T09:00:00Z", False),
    Person("NBCLONGER-2031-987654", "AVTY-7JW4-LKXP",
           "Αλεξίου Castellanos de la Fuente-Whitmore Şerban",
           "2027-09-30T09:00:00Z", "2028-11-11T09:00:00Z", True),
    Person("Q-2029-123456", "WXYZ-2345-6789", "Yvonne LAVA-Tàrrega Ní Fhlannagáin-Øster",
           "2026-12-25T09:00:00Z", "2026-12-25T09:00:00Z", False),
)  # fmt: skip


def calibrate(design: Design, shared: Shared | None) -> Direct | None:
    """The run's :class:`Direct` setter, or None when it would not match WeasyPrint."""
    if shared is None or design.primary.split("-")[0].lower() in _NO_LOCL:
        return None
    fonts = {BOLD.encode(): design.name_font, TEXT.encode(): design.text_font}
    if any(metrics(path).shaped for path in fonts.values()):
        return None
    try:
        pages = _render(design, shared)
    except LayerMismatch:
        return None
    if pages is None:
        return None
    return _learn(design, shared, fonts, pages)


def _render(design: Design, shared: Shared) -> list[tuple[bytes, bytes, dict[int, int]]] | None:
    """Each calibration page's personal content and its serialised structure."""
    from pypdf import PdfReader

    from mi_courseware.certificates.assemble import cut_layer
    from mi_courseware.certificates.layers import render_document
    from mi_courseware.certificates.pdfwrite import serialise_all
    from mi_courseware.certificates.tags import by_page, document_of

    data, _ = render_document(
        design.html(list(CALIBRATION), "personal"),
        base=design.base,
        roots=design.roots,
        asked_by=design.template_path,
        compressed=False,
    )
    reader = PdfReader(io.BytesIO(data))
    if len(reader.pages) != len(CALIBRATION):
        return None
    tops = by_page(document_of(reader))
    out = []
    for page in reader.pages:
        number = int(page.indirect_reference.idnum)  # type: ignore[union-attr]
        content, filled, extra = cut_layer(page, shared, tops.get(number, []))
        chunk, offsets = serialise_all({**dict(filled), **extra})
        out.append((content, chunk, offsets))
    if any(chunk != out[0][1] for _, chunk, _ in out):
        return None  # the structure would depend on the person
    return out


def _split(content: bytes) -> list[bytes | re.Match[bytes]]:
    """Content as fixed stretches and text runs (``BT ... Tm ... Tf [...] TJ ET``)."""
    parts: list[bytes | re.Match[bytes]] = []
    last = 0
    for match in _RUN.finditer(content):
        parts.append(content[last : match.start()])
        parts.append(match)
        last = match.end()
    parts.append(content[last:])
    return parts


def _glyphs(operand: bytes, widths: dict[int, float]) -> tuple[list[int], list[float]]:
    """Glyph ids in a ``TJ`` operand and each one's pen position (1/1000 em)."""
    gids: list[int] = []
    positions: list[float] = []
    pen = 0.0
    for match in _TJ_PART.finditer(operand):
        if match.group(1) is not None:
            hexes = match.group(1)
            for i in range(0, len(hexes), 4):
                gid = int(hexes[i : i + 4], 16)
                gids.append(gid)
                positions.append(pen)
                pen += widths.get(gid, 0.0)
        else:
            pen -= float(match.group(2))
    return gids, positions


def _learn(
    design: Design,
    shared: Shared,
    fonts: dict[bytes, Any],
    pages: list[tuple[bytes, bytes, dict[int, int]]],
) -> Direct | None:
    subsets = {BOLD.encode(): shared.bold, TEXT.encode(): shared.text}
    splits = [_split(content) for content, _, _ in pages]
    if len({len(s) for s in splits}) != 1:
        return None
    values = [_values(design, p) for p in CALIBRATION]
    parts: list[bytes | Slot] = []
    name_runs: list[re.Match[bytes]] = []
    for items in zip(*splits, strict=True):
        first = items[0]
        if isinstance(first, bytes):
            if any(item != first for item in items):
                return None
            parts.append(first)
            continue
        runs: list[re.Match[bytes]] = list(items)  # type: ignore[arg-type]
        if all(run.group(0) == first.group(0) for run in runs):
            parts.append(first.group(0))
            continue
        font = first.group(3)
        if font not in subsets or any(run.group(3) != font for run in runs):
            return None
        texts = ["".join(subsets[font].text.get(g, "\ufffd") for g in _glyphs(run.group(5), {})[0])
                 for run in runs]  # fmt: skip
        kinds = [k for k in SLOTS if all(v[k] == t for v, t in zip(values, texts, strict=True))]
        if len(kinds) != 1:
            return None
        kind = kinds[0]
        slot = _slot(kind, font, runs, values, subsets[font].widths, fonts[font])
        if slot is None:
            return None
        parts.append(slot)
        if kind == "name":
            name_runs = runs
    if sorted(p.kind for p in parts if isinstance(p, Slot)) != sorted(SLOTS) or not name_runs:
        return None
    baseline = _baseline(name_runs)
    if baseline is None:
        return None
    _, chunk, offsets = pages[0]
    return Direct(
        parts=tuple(_merge(parts)),
        name_x=name_runs[0].group(1),
        baseline=baseline,
        structure=chunk,
        offsets=offsets,
        fonts=fonts,
        name_codepoints=shared.bold.codepoints,
        text_codepoints=shared.text.codepoints,
    )


def _values(design: Design, person: Person) -> dict[str, Any]:
    size, _ = design.name_size(person.name)
    return {
        "name": person.name,
        "size": pango_size(size),
        "number": person.number,
        "code": person.code,
        "issued": issued_text(design, person),
    }


def _slot(
    kind: str,
    font: bytes,
    runs: list[re.Match[bytes]],
    values: list[dict[str, Any]],
    widths: dict[int, float],
    path: Any,
) -> Slot | None:
    """A line's slot, if setting it here puts every glyph where WeasyPrint did."""
    first = runs[0]
    if kind == "name":
        if any(run.group(1) != first.group(1) for run in runs):
            return None  # not left-aligned
        sizes = [float(run.group(4)) for run in runs]
        if any(abs(s - v["size"]) > 1e-3 for s, v in zip(sizes, values, strict=True)):
            return None
        if len(set(sizes)) != len(sizes):
            return None  # the calibration could not tell how the baseline moves
    elif any(run.group(1, 2, 4) != first.group(1, 2, 4) for run in runs):
        return None
    font_metrics = metrics(path)
    gids, theirs = _glyphs(first.group(5), widths)
    _, ours = tj(font_metrics, values[0][kind], 0.0)
    spacing = round((theirs[-1] - ours[-1]) / (len(ours) - 1), 1) if len(ours) > 1 else 0.0
    spacing = spacing or 0.0  # never -0.0
    for run, value in zip(runs, values, strict=True):
        size = float(run.group(4))
        gids, theirs = _glyphs(run.group(5), widths)
        operand, ours = tj(font_metrics, value[kind], spacing)
        mine, _ = _glyphs(operand, widths)
        if mine != gids:
            return None
        if max(abs(a - b) for a, b in zip(ours, theirs, strict=True)) * size / 1000 > TOLERANCE_PX:
            return None
    return Slot(kind, font, float(first.group(4)), first.group(1), first.group(2), spacing)


def _baseline(runs: list[re.Match[bytes]]) -> tuple[float, float] | None:
    """The name's baseline as a + b * size, fitted on two pages and checked on the third."""
    points = [(float(r.group(4)), float(r.group(2))) for r in runs]
    (s0, y0), (s1, y1) = points[0], points[1]
    slope = (y1 - y0) / (s1 - s0)
    start = y0 - slope * s0
    if any(abs(start + slope * s - y) > TOLERANCE_PX / 4 for s, y in points):
        return None
    return start, slope


def _merge(parts: list[bytes | Slot]) -> list[bytes | Slot]:
    """Adjacent fixed stretches joined into one."""
    merged: list[bytes | Slot] = []
    for part in parts:
        if isinstance(part, bytes) and merged and isinstance(merged[-1], bytes):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


__all__ = ["CALIBRATION", "calibrate", "lines_of"]
