"""Charts as SVG vector graphics for HTML documents that WeasyPrint renders.

Three kinds, each a function returning an ``<svg>`` element as text, ready to put inline in a
template (``{{ svg|safe }}``) — no raster image ever reaches the PDF:

- :func:`bar_chart`: one bar per count, bars of a group sharing a fill pattern named in a
  legend, the value printed on each bar.
- :func:`line_chart`: values over time (one or more series) with dashed threshold lines
  labelled in words; a ``None`` value leaves a gap.
- :func:`band_chart`: one horizontal track per score, split into bands at its thresholds; each
  band is named in words and filled with its own pattern, and a marker with the value shows
  where the score falls.

Meaning is never carried by colour alone: every band, group and line is also named in text
and drawn with its own pattern or dash. Text stays text (``svg.fonttype: none``) in the
theme's font, so it is selectable and read by screen readers. Output is deterministic: fixed
ids (``svg.hashsalt``), no date, no tool version.
"""

from __future__ import annotations

import io
import logging
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MM = 1 / 25.4  # inches per millimetre
FALLBACK_FONT = "DejaVu Sans"  # ships with matplotlib
#: Fill patterns, one per band or group: meaning by pattern as well as by shade.
PATTERNS = ("", "..", "///", "xx", "\\\\\\", "++")


@dataclass(frozen=True)
class ChartStyle:
    """Colours (``#rrggbb``), font and size shared by a document's charts."""

    ink: str = "#1b1b1b"
    muted: str = "#50565e"
    rule: str = "#c4cad1"
    primary: str = "#1d4f73"
    accent: str = "#b3541e"
    font_family: str = "Open Sans"
    #: Font files to register so the family can be measured (the theme's ``fonts/``).
    font_files: tuple[Path, ...] = ()
    font_size: float = 8.5
    width_mm: float = 170
    height_mm: float = 60


@dataclass(frozen=True)
class Bar:
    """One bar: a label under it, its value, and the group whose pattern it takes."""

    label: str
    value: float
    group: str = ""


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name and one value (or ``None``) per x position."""

    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Threshold:
    """A horizontal reference line, named in words (e.g. "good 4")."""

    label: str
    value: float


@dataclass(frozen=True)
class BandRow:
    """One score on a band chart: its axis from ``low`` to ``high``, split at the
    thresholds; ``value`` is ``None`` when undefined (``value_label`` then says why)."""

    label: str
    value: float | None
    value_label: str
    low: float
    high: float
    fair: float | None
    good: float | None


def _mix(colour: str, amount: float) -> str:
    from mi_courseware.core.colour import tint

    return tint(colour, amount)


def _family(style: ChartStyle) -> str:
    """The style's font family if matplotlib can measure it, else the fallback (logged)."""
    from matplotlib import font_manager

    for path in style.font_files:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
    try:
        font_manager.findfont(
            font_manager.FontProperties(family=style.font_family), fallback_to_default=False
        )
    except ValueError:
        log.warning(
            "charts: font '%s' not found (no font file for it); charts use %s instead",
            style.font_family,
            FALLBACK_FONT,
        )
        return FALLBACK_FONT
    return style.font_family


def _figure(style: ChartStyle, height_mm: float | None = None) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(style.width_mm * MM, (height_mm or style.height_mm) * MM))
    return figure, figure.add_subplot()


def _settings(style: ChartStyle) -> Any:  # matplotlib's rcParams keys are typed literals
    return {
        "svg.hashsalt": "mi-courseware",
        "svg.fonttype": "none",
        "svg.id": None,
        "font.family": [_family(style)],
        "font.size": style.font_size,
        "text.color": style.ink,
        "axes.edgecolor": style.rule,
        "axes.labelcolor": style.ink,
        "xtick.color": style.ink,
        "ytick.color": style.ink,
        "hatch.color": style.muted,
        "hatch.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _plain_axes(axes: Any, style: ChartStyle) -> None:
    axes.tick_params(length=2.5, width=0.5, colors=style.ink)
    for spine in axes.spines.values():
        spine.set_linewidth(0.6)


def _legend(axes: Any, **placing: Any) -> None:
    """A legend naming each labelled group or marker once, without a frame."""
    handles, labels = axes.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    axes.legend(unique.values(), unique.keys(), frameon=False, **placing)


def _svg(figure: Any, description: str) -> str:
    """The figure as an ``<svg>`` element: no prolog, no metadata, a title for readers."""
    from lxml import etree

    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        bbox_inches=None,
        transparent=True,
    )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(buffer.getvalue(), parser)
    namespace = "{http://www.w3.org/2000/svg}"
    for element in root.findall(f"{namespace}metadata"):
        root.remove(element)
    root.set("role", "img")
    root.set("aria-label", description)
    title = etree.Element(f"{namespace}title")
    title.text = description
    root.insert(0, title)
    return etree.tostring(root, encoding="unicode")


def bar_chart(
    bars: Sequence[Bar],
    *,
    style: ChartStyle,
    description: str,
    value_label: Callable[[float], str] = lambda v: f"{v:g}",
    legend: dict[str, str] | None = None,
) -> str:
    """Vertical bars with their values on top; ``legend`` names each group (its pattern)."""
    import matplotlib
    import matplotlib.ticker

    with matplotlib.rc_context(_settings(style)):
        figure, axes = _figure(style)
        groups = list(dict.fromkeys(b.group for b in bars))
        positions = range(len(bars))
        for index, bar in zip(positions, bars, strict=True):
            pattern = PATTERNS[groups.index(bar.group) % len(PATTERNS)]
            axes.bar(
                index,
                bar.value,
                width=0.68,
                color=_mix(style.primary, 0.28 + 0.22 * (groups.index(bar.group) % 3)),
                edgecolor=style.primary,
                linewidth=0.8,
                hatch=pattern,
                label=(legend or {}).get(bar.group, bar.group) or None,
            )
            axes.annotate(
                value_label(bar.value),
                (index, bar.value),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontweight="bold",
            )
        labels = [b.label for b in bars]
        crowded = max((len(label) for label in labels), default=0) * len(labels) > 60
        axes.set_xticks(list(positions), labels)
        if crowded:  # long labels side by side would run into each other
            axes.tick_params(axis="x", labelrotation=30)
            for label in axes.get_xticklabels():
                label.set_horizontalalignment("right")
                label.set_rotation_mode("anchor")
        top = max((b.value for b in bars), default=0)
        axes.set_ylim(0, max(top * 1.18, 1))
        axes.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=5))
        _plain_axes(axes, style)
        if legend:
            _legend(axes, loc="upper right", handlelength=2.2, handleheight=1.2)
        figure.tight_layout(pad=0.4)
        return _svg(figure, description)


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    style: ChartStyle,
    description: str,
    thresholds: Sequence[Threshold] = (),
    y_range: tuple[float, float] | None = None,
    value_label: Callable[[float], str] = lambda v: f"{v:g}",
    title: str = "",
) -> str:
    """Values over ``x_labels`` (dates), each point labelled, thresholds as named dashed lines."""
    import matplotlib

    dashes = ("-", "--", "-.", ":")
    markers = ("o", "s", "^", "D")
    with matplotlib.rc_context(_settings(style)):
        figure, axes = _figure(style)
        xs = list(range(len(x_labels)))
        for number, line in enumerate(series):
            ys = [math.nan if v is None else v for v in line.values]
            axes.plot(
                xs,
                ys,
                linestyle=dashes[number % len(dashes)],
                marker=markers[number % len(markers)],
                markersize=4,
                linewidth=1.4,
                color=style.primary if number == 0 else style.accent,
                label=line.label,
            )
            for x, value in zip(xs, line.values, strict=True):
                if value is not None:
                    axes.annotate(
                        value_label(value),
                        (x, value),
                        xytext=(0, 5),
                        textcoords="offset points",
                        ha="center",
                        va="bottom",
                        fontweight="bold",
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
                    )
        for threshold in thresholds:
            axes.axhline(threshold.value, color=style.muted, linewidth=0.7, linestyle=(0, (4, 3)))
            axes.annotate(
                threshold.label,
                (1, threshold.value),
                xycoords=("axes fraction", "data"),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                color=style.muted,
            )
        axes.set_xticks(xs, list(x_labels))
        axes.set_xlim(-0.4, max(len(xs) - 0.6, 0.4))
        if y_range is not None:
            axes.set_ylim(*y_range)
        if title:
            axes.set_title(title, loc="left", fontweight="bold", fontsize=style.font_size + 0.5)
        if len(series) > 1:
            axes.legend(frameon=False, loc="best")
        _plain_axes(axes, style)
        figure.tight_layout(pad=0.4)
        return _svg(figure, description)


def band_chart(
    rows: Sequence[BandRow],
    *,
    style: ChartStyle,
    description: str,
    band_labels: tuple[str, str, str] = ("below fair", "fair", "good"),
    tick_label: Callable[[float], str] = lambda v: f"{v:g}",
) -> str:
    """One track per row, split into named, patterned bands; a marker shows the value."""
    import matplotlib
    from matplotlib.patches import Rectangle

    grow = style.font_size / ChartStyle.font_size  # larger type needs taller rows
    height = max(style.height_mm, (15 * len(rows) + 6) * grow)
    label_width = max(int(30 / grow), 12)  # characters that fit the label column
    with matplotlib.rc_context(_settings(style)):
        figure, axes = _figure(style, height)
        axes.set_axis_off()
        axes.set_xlim(-0.45, 1.02)
        axes.set_ylim(len(rows) - 0.35, -0.75)
        for number, row in enumerate(rows):
            span = (row.high - row.low) or 1.0

            def at(value: float, row: BandRow = row, span: float = span) -> float:
                return (min(max(value, row.low), row.high) - row.low) / span

            cuts = [row.low] + [t for t in (row.fair, row.good) if t is not None] + [row.high]
            names = list(band_labels[-(len(cuts) - 1) :])
            for index in range(len(cuts) - 1):
                start, end = at(cuts[index]), at(cuts[index + 1])
                level = band_labels.index(names[index])
                axes.add_patch(
                    Rectangle(
                        (start, number - 0.16),
                        end - start,
                        0.32,
                        facecolor=_mix(style.primary, 0.06 + 0.14 * level),
                        edgecolor=style.primary,
                        linewidth=0.6,
                        hatch=PATTERNS[level],
                    )
                )
                axes.text(
                    (start + end) / 2,
                    number + 0.3,
                    names[index],
                    ha="center",
                    va="top",
                    color=style.muted,
                    fontsize=style.font_size - 1,
                )
            for cut in cuts:
                axes.text(
                    at(cut),
                    number - 0.22,
                    tick_label(cut),
                    ha="center",
                    va="bottom",
                    color=style.muted,
                    fontsize=style.font_size - 1.5,
                )
            label = textwrap.fill(row.label, label_width, max_lines=2, placeholder="…")
            axes.text(-0.44, number - 0.02, label, ha="left", va="bottom", fontweight="bold")
            shown = row.value_label if row.value is not None else "–"
            axes.text(
                -0.44,
                number + 0.04,
                shown,
                ha="left",
                va="top",
                fontweight="bold",
                fontsize=style.font_size + 1.5,
            )
            if row.value is None:
                axes.text(
                    0.5,
                    number,
                    row.value_label,
                    ha="center",
                    va="center",
                    fontstyle="italic",
                    bbox={"facecolor": "white", "edgecolor": style.rule, "pad": 1.5},
                )
                continue
            x = at(row.value)
            axes.plot(
                [x],
                [number],
                marker="D",
                markersize=8,
                color=style.ink,
                markeredgecolor="white",
                markeredgewidth=1,
            )
        figure.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
        return _svg(figure, description)


@dataclass(frozen=True)
class RowValue:
    """One row of :func:`row_chart`: a label, a value, and where it started from, if it moved.

    ``value_label`` and ``start_label`` are printed beside the markers (default: the value).
    """

    label: str
    value: float | None
    start: float | None = None
    value_label: str = ""
    start_label: str = ""


def row_chart(
    rows: Sequence[RowValue],
    *,
    style: ChartStyle,
    description: str,
    x_range: tuple[float, float],
    names: tuple[str, str] = ("", ""),
    label_width: int = 58,
) -> str:
    """One horizontal row per item, its label on the left.

    A row without a start is a patterned bar from the axis to its value; a row with one is
    drawn from a hollow circle (the start) to a filled diamond (the value) joined by an arrow,
    each value printed beside its marker, and ``names`` (start, value) named in a legend: the
    meaning is in shapes and words, not in colour.
    """
    import matplotlib

    grow = style.font_size / ChartStyle.font_size
    width = max(int(label_width / grow), 12)  # characters that fit the label column
    labels = [textwrap.fill(r.label, width, max_lines=3, placeholder="…") for r in rows]
    # each row as tall as its label (in millimetres, which the y axis counts in)
    tall = [(3.1 * (label.count("\n") + 1) + 3.2) * grow for label in labels]
    ys = [sum(tall[:index]) + tall[index] / 2 for index in range(len(rows))]
    height = max(style.height_mm, sum(tall) + 11 * grow)
    low, high = x_range
    with matplotlib.rc_context(_settings(style)):
        figure, axes = _figure(style, height)
        for y, row in zip(ys, rows, strict=True):
            if row.value is None:
                axes.annotate("–", (low, y), xytext=(4, 0), textcoords="offset points", va="center")
                continue
            shown = row.value_label or f"{row.value:g}"
            if row.start is None:
                axes.barh(
                    y,
                    row.value - low,
                    left=low,
                    height=4.2 * grow,
                    color=_mix(style.primary, 0.3),
                    edgecolor=style.primary,
                    linewidth=0.8,
                    hatch=PATTERNS[1],
                )
                axes.annotate(
                    shown,
                    (row.value, y),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontweight="bold",
                )
                continue
            axes.annotate(
                "",
                (row.value, y),
                xytext=(row.start, y),
                arrowprops={"arrowstyle": "-|>", "color": style.muted, "linewidth": 1.1},
            )
            axes.plot(
                [row.start],
                [y],
                marker="o",
                markersize=7,
                color="white",
                markeredgecolor=style.primary,
                markeredgewidth=1.3,
                label=names[0] or None,
                linestyle="none",
            )
            axes.plot(
                [row.value],
                [y],
                marker="D",
                markersize=7,
                color=style.primary,
                markeredgecolor="white",
                markeredgewidth=0.8,
                label=names[1] or None,
                linestyle="none",
            )
            side = 1 if row.value >= row.start else -1  # the value's label goes beyond it
            for x, text, away in (
                (row.start, row.start_label or f"{row.start:g}", -side),
                (row.value, shown, side),
            ):
                axes.annotate(
                    text,
                    (x, y),
                    xytext=(7 * away, 0),
                    textcoords="offset points",
                    va="center",
                    ha="left" if away > 0 else "right",
                    fontweight="bold" if text is shown else "normal",
                )
        axes.set_yticks(ys, labels)
        axes.set_ylim(sum(tall) + 0.5, -0.5)
        span = high - low
        axes.set_xlim(low - 0.08 * span, high + 0.1 * span)
        axes.set_xticks([v for v in range(int(low), int(high) + 1)])
        axes.grid(axis="x", color=style.rule, linewidth=0.5)
        axes.set_axisbelow(True)
        axes.spines["left"].set_visible(False)
        _plain_axes(axes, style)
        if any(r.start is not None for r in rows) and any(names):
            _legend(axes, loc="lower center", ncols=2, bbox_to_anchor=(0.5, 1.0))
        figure.tight_layout(pad=0.4)
        return _svg(figure, description)
