"""MI diagrams drawn as vector graphics in the client's colours, labelled in real text.

Used by the PDF documents (inline SVG and HTML). Every diagram carries a text alternative:
an SVG ``<title>``/``<desc>`` and a visible caption, so a screen reader can read it and
meaning never rests on colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Protocol

from mi_courseware.core.colour import band, readable_on_white, tint

STAGES = ("precontemplation", "contemplation", "preparation", "action", "maintenance", "relapse")


class Words(Protocol):
    """Anything that turns a wording key into text (the theme's translator)."""

    def __call__(self, key: str, **values: object) -> str: ...


@dataclass(frozen=True)
class Palette:
    """Brand colours by role."""

    primary: str
    secondary: str
    accent: str
    text: str = "#1b1b1b"
    muted: str = "#5a5f66"
    rule: str = "#b8bec6"
    #: Text size factor (the large-print theme sets it above 1 with ``diagram_text_scale``).
    scale: float = 1.0


@dataclass(frozen=True)
class Drawn:
    """A diagram drawn as SVG, with its text alternative and the words shown with it."""

    svg: str
    #: What it shows, in words (the SVG's title and description).
    alt: str
    #: The words printed with it (the stages under the cycle, the label above a ruler).
    caption: str


def drawing(name: str, palette: Palette, t: Words, options: dict[str, str | int]) -> Drawn | None:
    """The drawing of a named diagram; ``None`` for the decisional balance, a table."""
    if name == "cycle-of-change":
        return cycle_of_change_drawing(palette, t)
    if name == "ruler":
        return ruler_drawing(palette, t, str(options.get("label") or t("ruler_default_label")))
    return None


def diagram_svg(name: str, palette: Palette, t: Words, options: dict[str, str | int]) -> str:
    """HTML for a named diagram."""
    if name == "cycle-of-change":
        return cycle_of_change(palette, t)
    if name == "decisional-balance":
        return decisional_balance(palette, t)
    if name == "ruler":
        return ruler(palette, t, str(options.get("label") or t("ruler_default_label")))
    raise ValueError(f"unknown diagram {name}")  # validated earlier


def _text(x: float, y: float, words: list[str], size: float, colour: str, weight: int = 600) -> str:
    lines = len(words)
    first = y - (lines - 1) * size * 0.6
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + i * size * 1.2:.1f}">{escape(w)}</tspan>'
        for i, w in enumerate(words)
    )
    return (
        f'<text text-anchor="middle" dominant-baseline="middle" font-size="{size}" '
        f'font-weight="{weight}" fill="{colour}">{spans}</text>'
    )


def _wrap(label: str, limit: int = 14) -> list[str]:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def cycle_of_change_drawing(palette: Palette, t: Words) -> Drawn:
    """The cycle of change: six stages round a circle, arrows showing the direction of travel."""
    k = palette.scale
    width, height = 520 + (k - 1) * 220, 400 + (k - 1) * 200
    cx, cy, radius = width / 2, height / 2, 140 + (k - 1) * 90
    box_w, box_h = 132 * k, 54 * k
    names = [t(f"stage_{s}") for s in STAGES]
    parts = [
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="none" stroke="{palette.rule}" '
        'stroke-width="2" stroke-dasharray="6 6"/>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{palette.muted}"/></marker></defs>',
    ]
    count = len(STAGES)
    points = []
    for i in range(count):
        angle = -math.pi / 2 + i * 2 * math.pi / count
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    for i in range(count):
        a0 = -math.pi / 2 + (i + 0.32) * 2 * math.pi / count
        a1 = -math.pi / 2 + (i + 0.68) * 2 * math.pi / count
        x0, y0 = cx + radius * math.cos(a0), cy + radius * math.sin(a0)
        x1, y1 = cx + radius * math.cos(a1), cy + radius * math.sin(a1)
        parts.append(
            f'<path d="M{x0:.1f},{y0:.1f} A{radius:.1f},{radius:.1f} 0 0 1 {x1:.1f},{y1:.1f}" '
            f'fill="none" stroke="{palette.muted}" stroke-width="2.5" marker-end="url(#arrow)"/>'
        )
    for i, (x, y) in enumerate(points):
        fill = palette.accent if STAGES[i] == "relapse" else palette.primary
        fill, ink = band(fill)
        parts.append(
            f'<rect x="{x - box_w / 2:.1f}" y="{y - box_h / 2:.1f}" width="{box_w}" '
            f'height="{box_h}" rx="10" fill="{fill}"/>'
        )
        parts.append(_text(x, y, _wrap(names[i]), round(15 * k, 1), ink))
    centre = _wrap(t("cycle_centre"), 16)
    parts.append(_text(cx, cy, centre, round(15 * k, 1), readable_on_white(palette.primary), 600))
    title = t("cycle_title")
    desc = t("cycle_desc", stages=", ".join(names))
    return Drawn(
        f'<svg class="diagram" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="cycle-t cycle-d" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Open Sans, MI Symbols, sans-serif">'
        f'<title id="cycle-t">{escape(title)}</title><desc id="cycle-d">{escape(desc)}</desc>'
        + "".join(parts)
        + "</svg>",
        f"{title}: {desc}",
        " → ".join(names),
    )


def cycle_of_change(palette: Palette, t: Words) -> str:
    """The cycle of change as a figure: the drawing and the stages in words under it."""
    drawn = cycle_of_change_drawing(palette, t)
    return (
        f'<figure class="diagram cycle">{drawn.svg}<figcaption>{escape(drawn.caption)}'
        "</figcaption></figure>"
    )


def decisional_balance(palette: Palette, t: Words) -> str:
    """A true 2x2 grid with row and column headings and room to write in each cell."""
    head_bg, head_ink = band(palette.primary)
    rows = [t("balance_staying"), t("balance_changing")]
    cols = [t("balance_good"), t("balance_not_so_good")]
    header = "".join(
        f'<th scope="col" style="background:{head_bg};color:{head_ink}">{escape(c)}</th>'
        for c in cols
    )
    body = "".join(
        f'<tr><th scope="row" style="background:{tint(palette.primary, 0.14)}">'
        f"{escape(r)}</th><td></td><td></td></tr>"
        for r in rows
    )
    caption = escape(t("balance_caption"))
    return (
        f'<table class="balance"><caption>{caption}</caption>'
        f'<thead><tr><td class="corner"></td>{header}</tr></thead><tbody>{body}</tbody></table>'
    )


def ruler_drawing(palette: Palette, t: Words, label: str) -> Drawn:
    """A 0-10 ruler with tick labels and end labels, for circling a number."""
    k = palette.scale
    width, height, left, right, y = 520, 92 * k, 30 * k, 520 - 30 * k, 40 * k
    radius, number, small = 13 * k, 13 * k, 12 * k
    step = (right - left) / 10
    parts = [
        f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="{palette.primary}" '
        'stroke-width="3" stroke-linecap="round"/>'
    ]
    ink = readable_on_white(palette.primary)
    for n in range(11):
        x = left + n * step
        parts.append(
            f'<line x1="{x:.1f}" y1="{y - 9}" x2="{x:.1f}" y2="{y + 9}" stroke="{ink}" '
            'stroke-width="2"/>'
        )
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y}" r="{radius:.1f}" fill="#ffffff" stroke="{ink}" '
            'stroke-width="1.5"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y + number * 0.38:.1f}" text-anchor="middle" '
            f'font-size="{number:.1f}" '
            f'font-weight="700" fill="{palette.text}">{n}</text>'
        )
    low, high = t("ruler_low"), t("ruler_high")
    parts.append(
        f'<text x="{left - radius:.1f}" y="{y + radius + small * 1.5:.1f}" '
        f'font-size="{small:.1f}" fill="{palette.muted}">'
        f"{escape(low)}</text>"
    )
    parts.append(
        f'<text x="{right + radius:.1f}" y="{y + radius + small * 1.5:.1f}" text-anchor="end" '
        f'font-size="{small:.1f}" '
        f'fill="{palette.muted}">{escape(high)}</text>'
    )
    desc = t("ruler_desc", label=label, low=low, high=high)
    return Drawn(
        f'<svg class="ruler" viewBox="0 0 {width} {height:.0f}" role="img" '
        f'aria-label="{escape(desc)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="Open Sans, MI Symbols, sans-serif">'
        # the title is the figure's alternative text in the tagged PDF (which reads no
        # aria-label), as the cycle's is
        f"<title>{escape(desc)}</title>" + "".join(parts) + "</svg>",
        desc,
        label,
    )


def ruler(palette: Palette, t: Words, label: str) -> str:
    """A 0-10 ruler as a figure: its label above the drawing."""
    drawn = ruler_drawing(palette, t, label)
    return (
        f'<figure class="diagram ruler"><figcaption class="ruler-label">{escape(drawn.caption)}'
        f"</figcaption>{drawn.svg}</figure>"
    )
