"""The MI diagrams as native, editable shapes in brand colours (never pictures).

Each diagram is one group of text shapes (and connectors), so a trainer can move it whole
or edit any label; text colours on brand fills come from :func:`~mi_courseware.rendering.
colour.band`, so every label meets WCAG AA. The group's description reads the diagram out for
screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from mi_courseware.core.colour import band, mix, readable_on_white, tint
from mi_courseware.rendering.pptx.fitting import Metrics
from mi_courseware.rendering.pptx.ooxml import (
    EMU_PER_PT,
    Box,
    Para,
    Run,
    connector,
    emu,
    esc,
    para_xml,
    shape,
    solid,
)
from mi_courseware.rendering.pptx.spec import DiagramSpec
from mi_courseware.rendering.pptx.wording import Wording

STAGES = ("precontemplation", "contemplation", "preparation", "action", "maintenance", "relapse")


class _Ids:
    def __init__(self, start: int) -> None:
        self.next = start

    def __call__(self) -> int:
        self.next += 1
        return self.next - 1


def _label_size(
    texts: list[str], width: int, largest: float, metrics: Metrics, bold: bool = True
) -> float:
    """The largest size (to 10 pt) at which every text fits one line ``width`` wide."""
    size = largest
    widest = max(metrics.width(t, bold) for t in texts) * 1.08
    while size > 10 and widest * size * EMU_PER_PT > width:
        size -= 1
    return size


def _text(
    text: str, size: float, colour: str, lang: str, bold: bool = True, align: str = "ctr"
) -> str:
    para = Para((Run(text, bold=bold, colour=colour),), kind="plain", align=align)
    return para_xml(para, size, lang)


_CENTRED = (
    '<a:bodyPr wrap="square" lIns="45720" tIns="45720" rIns="45720" bIns="45720" '
    'anchor="ctr"><a:noAutofit/></a:bodyPr>'
)


def _group(ids: _Ids, name: str, descr: str, area: Box, shapes: str) -> str:
    return (
        f'<p:grpSp><p:nvGrpSpPr><p:cNvPr id="{ids()}" name="{esc(name)}" '
        f'descr="{esc(descr)}"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm>'
        f'<a:off x="{area.x}" y="{area.y}"/><a:ext cx="{area.w}" cy="{area.h}"/>'
        f'<a:chOff x="{area.x}" y="{area.y}"/><a:chExt cx="{area.w}" cy="{area.h}"/>'
        f"</a:xfrm></p:grpSpPr>{shapes}</p:grpSp>"
    )


def _marker(
    ids: _Ids, index: int, centre: tuple[float, float], angle: float, size: int, fill: str
) -> str:
    """A small triangle pointing along the ring (clockwise) at ``centre``."""
    x, y = centre
    where = Box(round(x - size / 2), round(y - size / 2), size, size)
    rotation = round(math.degrees(angle) % 360 * 60000)
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{ids()}" name="Arrow {index}"/><p:cNvSpPr/><p:nvPr/>'
        f'</p:nvSpPr><p:spPr><a:xfrm rot="{rotation}"><a:off x="{where.x}" y="{where.y}"/>'
        f'<a:ext cx="{where.w}" cy="{where.h}"/></a:xfrm><a:prstGeom prst="triangle">'
        f"<a:avLst/></a:prstGeom>{solid(fill)}<a:ln><a:noFill/></a:ln></p:spPr></p:sp>"
    )


def cycle_of_change(
    area: Box,
    colours: dict[str, str],
    wording: Wording,
    metrics: Metrics,
    ids: _Ids,
    label: str | None,
) -> str:
    """Six stages round a ring, with arrows along it; relapse in the accent colour."""
    names = [wording(f"slides.cycle.{s}") for s in STAGES]
    box_w = min(emu(2.3), area.w * 0.34)
    box_h = min(emu(0.72), area.h * 0.17)
    size = _label_size(names, round(box_w - emu(0.2)), 17, metrics)
    rx, ry = (area.w - box_w) / 2, (area.h - box_h) / 2
    cx, cy = area.x + area.w / 2, area.y + area.h / 2
    primary, secondary, accent = colours["accent1"], colours["accent2"], colours["accent3"]
    angles = [math.radians(-90 + 60 * index) for index in range(6)]
    centres = [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]
    ring = Box(round(cx - rx), round(cy - ry), round(2 * rx), round(2 * ry))
    parts = [
        shape(
            ids(), "Ring", ring, "ellipse", fill=None, outline=tint(secondary, 0.35), outline_pt=7
        )
    ]
    hub_w, hub_h = area.w * 0.36, area.h * 0.3
    hub_text = label or wording("slides.cycle.title")
    hub_size = _label_size([hub_text], round(hub_w - emu(0.2)), 18, metrics)
    parts.append(
        shape(
            ids(),
            hub_text,
            Box(round(cx - hub_w / 2), round(cy - hub_h / 2), round(hub_w), round(hub_h)),
            "rect",
            body=_text(hub_text, hub_size, readable_on_white(primary), wording.tag),
            body_pr=_CENTRED,
        )
    )
    arrow = readable_on_white(secondary)
    marker = emu(0.25)
    for index, angle in enumerate(angles):
        middle = angle + math.radians(30)
        point = (cx + rx * math.cos(middle), cy + ry * math.sin(middle))
        # the direction of travel clockwise round the ellipse, as a rotation from "up"
        dx, dy = -rx * math.sin(middle), ry * math.cos(middle)
        parts.append(_marker(ids, index + 1, point, math.atan2(dx, -dy), marker, arrow))
    for index, ((x, y), name) in enumerate(zip(centres, names, strict=True)):
        fill = accent if STAGES[index] == "relapse" else mix(primary, secondary, index / 5 * 0.6)
        background, text_colour = band(fill)
        where = Box(round(x - box_w / 2), round(y - box_h / 2), round(box_w), round(box_h))
        parts.append(
            shape(
                ids(),
                name,
                where,
                "roundRect",
                fill=background,
                outline="#ffffff",
                outline_pt=2,
                body=_text(name, size, text_colour, wording.tag),
                body_pr=_CENTRED,
            )
        )
    descr = f"{hub_text}: " + " → ".join(names) + f" → {names[1]}"
    return _group(ids, hub_text, descr, area, "".join(parts))


def decisional_balance(
    area: Box,
    colours: dict[str, str],
    wording: Wording,
    metrics: Metrics,
    ids: _Ids,
    label: str | None,
) -> str:
    """A true 2×2: rows staying the same / making a change; columns good / not-so-good."""
    rows = [wording("slides.balance.staying"), wording("slides.balance.changing")]
    columns = [wording("slides.balance.good"), wording("slides.balance.not_so_good")]
    head_w = round(area.w * 0.27)
    head_h = emu(0.7)
    gap = emu(0.08)
    cell_w = (area.w - head_w - 2 * gap) // 2
    cell_h = (area.h - head_h - 2 * gap) // 2
    size = _label_size(columns, round(cell_w - emu(0.2)), 18, metrics)
    words = [w for r in rows for w in r.split()]
    size = min(size, _label_size(words, round(head_w - emu(0.2)), 18, metrics))
    primary, secondary = colours["accent1"], colours["accent2"]
    column_fill, column_text = band(primary)
    row_fill, row_text = band(secondary)
    parts = []
    for c, name in enumerate(columns):
        where = Box(area.x + head_w + gap + c * (cell_w + gap), area.y, cell_w, head_h)
        parts.append(
            shape(
                ids(),
                name,
                where,
                fill=column_fill,
                outline=None,
                body=_text(name, size, column_text, wording.tag),
                body_pr=_CENTRED,
            )
        )
    for r, name in enumerate(rows):
        top = area.y + head_h + gap + r * (cell_h + gap)
        parts.append(
            shape(
                ids(),
                name,
                Box(area.x, top, head_w, cell_h),
                fill=row_fill,
                outline=None,
                body=_text(name, size, row_text, wording.tag),
                body_pr=_CENTRED,
            )
        )
        for c in range(2):
            where = Box(area.x + head_w + gap + c * (cell_w + gap), top, cell_w, cell_h)
            parts.append(
                shape(
                    ids(),
                    f"{name}: {columns[c]}",
                    where,
                    fill=tint(primary, 0.08),
                    outline=tint(primary, 0.45),
                    outline_pt=1,
                    body_pr=_CENTRED,
                )
            )
    descr = (
        f"{label or 'Decisional balance'}: {rows[0]} and {rows[1]}, "
        f"each with {columns[0]} and {columns[1]}"
    )
    return _group(ids, label or "Decisional balance", descr, area, "".join(parts))


def ruler(
    area: Box,
    colours: dict[str, str],
    wording: Wording,
    metrics: Metrics,
    ids: _Ids,
    label: str | None,
) -> str:
    """A 0–10 scale: eleven numbered marks on a line, with its label and end labels."""
    title = label or wording("slides.ruler.label")
    primary = colours["accent1"]
    dot = min(emu(0.56), area.w / 12.5)
    step = (area.w - dot) / 10
    middle = area.y + area.h / 2
    title_h = emu(0.9)
    title_size = _label_size([title], area.w, 22, metrics)
    if metrics.width(title, True) * 22 * EMU_PER_PT > area.w:
        title_size = 18.0
    parts = [
        shape(
            ids(),
            "Ruler label",
            Box(area.x, round(middle - dot / 2 - title_h - emu(0.2)), area.w, title_h),
            body_pr=_CENTRED.replace('anchor="ctr"><a:noAutofit/>', 'anchor="b"><a:normAutofit/>'),
            body=_text(title, title_size, readable_on_white(primary), wording.tag, align="l"),
        )
    ]
    line_y = round(middle)
    parts.append(
        connector(
            ids(),
            "Scale line",
            (round(area.x + dot / 2), line_y),
            (round(area.x + area.w - dot / 2), line_y),
            tint(primary, 0.5),
            3,
        ).replace('<a:tailEnd type="triangle" w="med" len="med"/>', "")
    )
    number_size = max(10.0, min(16.0, dot / EMU_PER_PT * 0.42))
    for n in range(11):
        fill = mix("#ffffff", primary, 0.1 + 0.9 * n / 10)
        background, text_colour = band(fill)
        where = Box(round(area.x + n * step), round(middle - dot / 2), round(dot), round(dot))
        parts.append(
            shape(
                ids(),
                f"Mark {n}",
                where,
                "ellipse",
                fill=background,
                outline=readable_on_white(primary),
                outline_pt=1.25,
                body=_text(str(n), number_size, text_colour, wording.tag),
                body_pr=_CENTRED.replace('lIns="45720"', 'lIns="0"').replace(
                    'rIns="45720"', 'rIns="0"'
                ),
            )
        )
    ends = [wording("slides.ruler.low"), wording("slides.ruler.high")]
    end_w = round(area.w * 0.4)
    end_y = round(middle + dot / 2 + emu(0.1))
    muted = "#595959"
    parts.append(
        shape(
            ids(),
            ends[0],
            Box(area.x, end_y, end_w, emu(0.5)),
            body=_text(f"0 = {ends[0]}", 14, muted, wording.tag, False, "l"),
            body_pr=_CENTRED.replace('anchor="ctr"', 'anchor="t"'),
        )
    )
    parts.append(
        shape(
            ids(),
            ends[1],
            Box(area.right - end_w, end_y, end_w, emu(0.5)),
            body=_text(f"10 = {ends[1]}", 14, muted, wording.tag, False, "r"),
            body_pr=_CENTRED.replace('anchor="ctr"', 'anchor="t"'),
        )
    )
    descr = f"{title}: a scale from 0 ({ends[0]}) to 10 ({ends[1]})"
    return _group(ids, title, descr, area, "".join(parts))


DRAWERS: dict[str, Callable[..., str]] = {
    "cycle-of-change": cycle_of_change,
    "decisional-balance": decisional_balance,
    "ruler": ruler,
}


def draw(
    spec: DiagramSpec,
    area: Box,
    colours: dict[str, str],
    wording: Wording,
    metrics: Metrics,
    first_id: int,
) -> tuple[str, int]:
    """The diagram's shapes in ``area``; returns the XML and the next free shape id."""
    ids = _Ids(first_id)
    if spec.kind == "ruler":  # a ruler is short: keep it a comfortable height, centred
        height = min(area.h, emu(2.6))
        area = Box(area.x, area.y + (area.h - height) // 2, area.w, height)
    xml = DRAWERS[spec.kind](area, colours, wording, metrics, ids, spec.label)
    return xml, ids.next
