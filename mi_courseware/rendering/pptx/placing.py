"""Fitting each slide spec into its layout: sizes chosen, overflow moved to continuation slides."""

from __future__ import annotations

import math
from dataclasses import replace

from mi_courseware.rendering.pptx import fitting
from mi_courseware.rendering.pptx.fitting import Metrics
from mi_courseware.rendering.pptx.ooxml import EMU_PER_PT, Box, Para, Run, emu
from mi_courseware.rendering.pptx.spec import FittedSlide, FittedText, SlideSpec, TableSpec
from mi_courseware.rendering.pptx.template import Template, TextStyle
from mi_courseware.rendering.pptx.wording import Wording

#: Cell margins of native tables (EMU): left/right, top/bottom.
CELL_MARGIN = (emu(0.1), emu(0.04))
#: Layouts whose continuation slides keep the layout (others continue as bullets).
KEEP_LAYOUT = ("bullets", "columns", "exercise", "quote", "closing")


class Placer:
    """Fits slide specs to the template's layouts."""

    def __init__(self, template: Template, metrics: Metrics, wording: Wording) -> None:
        self.template = template
        self.metrics = metrics
        self.wording = wording

    def place(self, specs: list[SlideSpec]) -> list[FittedSlide]:
        """Every slide fitted, continuation slides included."""
        return [slide for spec in specs for slide in self.place_each(spec)]

    def place_each(self, spec: SlideSpec) -> list[FittedSlide]:
        """One planned slide fitted: the slide and its continuations."""
        fitted: list[FittedSlide] = []
        pending: SlideSpec | None = spec
        while pending is not None:
            slide, pending = self.place_one(pending)
            fitted.append(slide)
        return fitted

    def _title(self, spec: SlideSpec) -> FittedText:
        ph = self.template.layout(spec.layout).placeholders["title"]
        para = Para((Run(spec.title),), kind="plain")
        style = ph.style or self.template.styles["title"]
        size = fitting.fit_fixed([para], ph.text_box, style, self.metrics)
        return FittedText([para], size)

    def place_one(self, spec: SlideSpec) -> tuple[FittedSlide, SlideSpec | None]:
        """One slide, and the spec of its continuation when text did not fit."""
        layout = self.template.layout(spec.layout)
        flow = self.template.flow
        slide = FittedSlide(
            spec.layout,
            self._title(spec),
            {},
            spec.notes,
            spec.diagram,
            spec.table,
            image=spec.image,
            footer=spec.footer,
            lang=spec.lang,
        )
        boxes = {role: ph.text_box for role, ph in layout.placeholders.items()}
        rest_table: TableSpec | None = None
        if spec.table is not None:
            rest_table = self._place_table(spec, slide, boxes)
        if spec.diagram is not None and not spec.text.get("side"):
            area, side = layout.placeholders["area"].box, layout.placeholders["side"].box
            boxes["area"] = Box(area.x, area.y, side.right - area.x, area.h)
        slide.boxes = boxes
        group = {}
        for role, paras in spec.text.items():
            if not paras or role not in layout.placeholders:
                continue
            style = layout.placeholders[role].style
            assert style is not None, f"placeholder {role} takes no text"
            if role in flow:
                group[role] = (paras, boxes[role], style)
            else:
                size = fitting.fit_fixed(paras, boxes[role], style, self.metrics)
                slide.text[role] = FittedText(paras, size, self._moved(layout, role, boxes))
        rest: dict[str, list[Para]] = {}
        shared = None
        if group:
            shared, parts = fitting.fit_group(group, self.metrics, spec.largest)
            for role, (here, later) in parts.items():
                if here:
                    slide.text[role] = FittedText(here, shared, self._moved(layout, role, boxes))
                if later:
                    rest[role] = later
        if not rest and rest_table is None:
            return slide, None
        following = self._continuation(spec, rest, rest_table)
        following.largest = shared if rest else spec.largest
        if rest_table is not None:
            following.largest = slide.table_size
        return slide, following

    def _moved(self, layout, role: str, boxes: dict[str, Box]) -> Box | None:  # type: ignore[no-untyped-def]
        ph = layout.placeholders[role]
        if boxes[role] == ph.text_box:
            return None
        left, top, right, bottom = ph.insets
        box = boxes[role]
        return Box(box.x - left, box.y - top, box.w + left + right, box.h + top + bottom)

    def _continuation(
        self, spec: SlideSpec, rest: dict[str, list[Para]], table: TableSpec | None
    ) -> SlideSpec:
        base = spec.title
        title = (
            base
            if base.endswith(self.wording("slides.continued", title=""))
            else self.wording("slides.continued", title=base)
        )
        if table is not None:
            following = SlideSpec(
                "table",
                title,
                {"below": spec.text.get("below", [])},
                spec.notes,
                table=table,
                position=spec.position,
                lang=spec.lang,
            )
            return following
        if spec.layout in KEEP_LAYOUT:
            text = {
                role: paras for role, paras in spec.text.items() if role not in self.template.flow
            }
            text.update(rest)
            if spec.layout == "columns":
                text = {r: p for r, p in text.items() if r in rest or r.endswith("_heading")}
            return SlideSpec(
                spec.layout, title, text, spec.notes, position=spec.position, lang=spec.lang
            )
        body = [p for paras in rest.values() for p in paras]
        return SlideSpec(
            "bullets", title, {"body": body}, spec.notes, position=spec.position, lang=spec.lang
        )

    def _place_table(
        self, spec: SlideSpec, slide: FittedSlide, boxes: dict[str, Box]
    ) -> TableSpec | None:
        """Size the table, place the text below it; returns rows that continue."""
        table = spec.table
        assert table is not None
        layout = self.template.layout(spec.layout)
        area = layout.placeholders["table"].box
        style = self.template.styles["table"]
        below = spec.text.get("below") or []
        below_style = layout.placeholders["below"].style
        reserve = 0
        if below and below_style is not None:
            needed = (
                fitting.text_height(
                    below, below_style.smallest, boxes["below"], below_style, self.metrics
                )
                / fitting.HEIGHT_MARGIN
            )
            reserve = min(round(needed * EMU_PER_PT) + emu(0.25), area.h // 3)
        room = area.h - reserve
        rows = list(table.rows)
        # a continuation is never set larger than the slide it continues (spec.largest)
        tried = [
            x for x in fitting.sizes(style, step=1) if spec.largest is None or x <= spec.largest
        ]
        tried = tried or [style.smallest]

        def measure(size: float) -> tuple[list[int], list[int]]:
            widths = self._widths(table, area.w, size)
            heights = [self._row_height(table.header, widths, size, style)]
            return widths, heights + [self._row_height(r, widths, size, style) for r in rows]

        for size in tried:
            widths, heights = measure(size)
            if sum(heights) <= room:
                break
        count = len(rows)
        while count > 1 and sum(heights[: count + 1]) > room:
            count -= 1
        if count < len(rows):
            # rows that need more than one slide are shared evenly between the slides they
            # need (not a full slide and a few rows over), each at the largest size they fit
            slides = -(-len(rows) // count)
            even = -(-len(rows) // slides)
            for size in tried:
                widths, heights = measure(size)
                if sum(heights[: even + 1]) <= room:
                    count = even
                    break
        slide.table = replace(
            table,
            rows=tuple(rows[:count]),
            muted_rows=frozenset(i for i in table.muted_rows if i < count),
        )
        slide.table_size = size
        slide.table_widths = tuple(widths)
        slide.table_heights = tuple(heights[: count + 1])
        bottom = area.y + sum(slide.table_heights) + emu(0.25)
        below_box = boxes["below"]
        boxes["below"] = Box(below_box.x, bottom, below_box.w, max(0, area.bottom - bottom))
        if count < len(rows):
            spec.text["below"] = []
            shifted = frozenset(i - count for i in table.muted_rows if i >= count)
            return replace(table, rows=tuple(rows[count:]), muted_rows=shifted)
        return None

    def _widths(self, table: TableSpec, total: int, size: float) -> list[int]:
        columns = len(table.header)
        natural = [0.0] * columns
        longest = [0.0] * columns
        for row in (table.header, *table.rows):
            for index, cell in enumerate(row[:columns]):
                text = cell.text
                natural[index] = max(natural[index], self.metrics.width(text, True))
                for word in text.split():
                    longest[index] = max(longest[index], self.metrics.width(word, True))
        pad = 2 * CELL_MARGIN[0]
        need = [n * size * EMU_PER_PT * fitting.WIDTH_MARGIN + pad for n in natural]
        floor = [w * size * EMU_PER_PT * fitting.WIDTH_MARGIN + pad for w in longest]
        if sum(need) <= total:
            widest = need.index(max(need))
            need[widest] += total - sum(need)
            return [round(n) for n in need]
        weights = [math.sqrt(n) for n in need]
        widths = [max(f, total * w / sum(weights)) for f, w in zip(floor, weights, strict=True)]
        scale = total / sum(widths)
        return [round(w * scale) for w in widths]

    def _row_height(
        self, row: tuple[Para, ...], widths: list[int], size: float, style: TextStyle
    ) -> int:
        tallest = 0.0
        for cell, width in zip(row, widths, strict=False):
            inner = Box(0, 0, width - 2 * CELL_MARGIN[0], 0)
            tallest = max(tallest, fitting.para_height(cell, size, inner.w, style, self.metrics))
        return round(tallest * EMU_PER_PT / fitting.HEIGHT_MARGIN) + 2 * CELL_MARGIN[1]
