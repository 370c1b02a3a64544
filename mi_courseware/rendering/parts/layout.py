"""One part of a long document, laid out in a worker, its numbers agreed with the other parts.

WeasyPrint lays out a document in passes: a first pass makes every page, later passes remake
only the pages whose page-based content changed (a contents line whose target moved). A part
is laid out the same way, with one step added between the first pass and the next: the part
tells the parent how many pages it made and where its anchors fell, and waits for the
numbers only the whole document knows (its first page number, the total, the pages of the
anchors other parts hold, the running strings set before it). It then shifts its page
counters, marks the pages whose references changed, and lets WeasyPrint's own passes remake
them. Page numbers, the contents and cross-references are therefore laid out by WeasyPrint,
not drawn over afterwards, and every page is the page the whole document would have had.

What a part cannot know is checked (:mod:`.checks`, and here: running headers it was not
given, the text of another part's heading, a reference the cut did not see); so is a part
whose pages or anchors move in a later pass, after the other parts' numbers were worked out
from them. Any of it ends the part with :class:`~.checks.NotSplittable` and the document
is laid out whole.

The hooks reach into WeasyPrint's layout (``weasyprint.layout``) for one render at a time,
in a worker process, and are removed when the part is done.
"""

from __future__ import annotations

import copy
import logging
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mi_courseware.errors import MiCoursewareError
from mi_courseware.rendering.parts.checks import (
    CARRIED,
    SIDED,
    NotSplittable,
    check_body,
    check_counters,
    check_end,
    check_placing,
    check_start,
    check_targets,
    check_unbroken,
    first_section,
    sided_rules,
)
from mi_courseware.rendering.parts.messages import Numbers, PartPlan, Report
from mi_courseware.rendering.parts.tree import (
    Parsed,
    check_selectors,
    hide_stand_ins,
    part_tree,
    whole_tree,
)

log = logging.getLogger(__name__)

#: Passes WeasyPrint lays a document out in at most (``layout_document``'s ``max_loops``).
PASSES = 8


class _Counters(dict[str, list[int]]):
    """The counters of an anchor another part holds: only its page is known (later)."""

    def __contains__(self, name: object) -> bool:
        if name not in ("page", "pages"):
            raise NotSplittable(f"a reference shows a counter of another part ({name})")
        return False


class _Elsewhere:
    """The target box of an anchor another part holds: no counters of its own."""

    def __init__(self) -> None:
        self.cached_counter_values: dict[str, list[int]] = _Counters()

    def extract_text(self, style: Any) -> str:
        """``target-text()`` of an anchor another part holds: its text is not here."""
        raise NotSplittable("a reference shows the text of a section in another part")


@dataclass
class _Part:
    plan: PartPlan
    channel: Any
    numbers: Numbers | None = None
    report: Report | None = None
    #: Passes laid out, the first included.
    passes: int = 1


_current: _Part | None = None


@contextmanager
def part_layout(plan: PartPlan, channel: Any) -> Iterator[None]:
    """Lay out one part inside this block (one render at a time, in this process)."""
    import weasyprint.css.validation
    import weasyprint.document
    import weasyprint.formatting_structure.build as build
    import weasyprint.layout
    from cssselect2.compiler import CompiledSelector
    from weasyprint.layout import LayoutContext

    global _current
    saved = (
        weasyprint.document.TargetCollector,
        weasyprint.layout.make_all_pages,
        weasyprint.layout.make_margin_boxes,
        LayoutContext.get_string_or_element_for,
        build.element_to_box,
        weasyprint.css.validation.compile_selector_list,
    )
    _current = _Part(plan, channel)
    weasyprint.document.TargetCollector = _targets(saved[0], plan)  # type: ignore[misc]
    weasyprint.layout.make_all_pages = _make_all_pages(saved[1])
    weasyprint.layout.make_margin_boxes = _make_margin_boxes(saved[2])
    LayoutContext.get_string_or_element_for = _strings(saved[3])  # type: ignore[method-assign]
    build.element_to_box = hide_stand_ins(saved[4])
    weasyprint.css.validation.compile_selector_list = check_selectors(CompiledSelector)
    try:
        yield
    finally:
        (
            weasyprint.document.TargetCollector,
            weasyprint.layout.make_all_pages,
            weasyprint.layout.make_margin_boxes,
            LayoutContext.get_string_or_element_for,
            build.element_to_box,
            weasyprint.css.validation.compile_selector_list,
        ) = saved
        _current = None


def _part() -> _Part:
    assert _current is not None, "a part's hooks run only inside part_layout()"
    return _current


def _targets(base: Any, plan: PartPlan) -> Any:
    """WeasyPrint's target collector, knowing the anchors other parts hold."""
    from weasyprint.css.targets import TargetLookupItem

    class Targets(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            for name in plan.external:
                # no page yet, as a target the whole document has not laid out yet: its
                # first pass shows what the whole document's first pass shows ("0")
                item = TargetLookupItem("up-to-date")
                item.target_box = _Elsewhere()
                self.target_lookup_items[name] = item

        def collect_anchor(self, anchor_name: Any) -> None:
            # the anchor of another part's stand-in, known already as held elsewhere
            if anchor_name not in plan.external:
                super().collect_anchor(anchor_name)

        def lookup_target(self, anchor_token: Any, *args: Any) -> Any:
            item = super().lookup_target(anchor_token, *args)
            if item.state == "undefined":  # not here, and not a link the cut saw
                raise NotSplittable("a reference leads to an anchor the part does not hold")
            return item

    return Targets


def _make_all_pages(original: Any) -> Any:
    def make_all_pages(context: Any, root_box: Any, html: Any, pages: list[Any]) -> Any:
        part = _part()
        if part.numbers is not None:
            _set_total(context, part.numbers.total)
        made = list(original(context, root_box, html, pages))
        try:
            if part.numbers is None:
                part.numbers = _agree(part, context, root_box, html, made)
            else:
                _check_kept(part, context, made)
        except MiCoursewareError:
            raise
        except Exception as exc:  # the checks met what they do not know: the whole is safe
            why = f"a part could not be checked ({type(exc).__name__}: {exc})"
            raise NotSplittable(why) from exc
        return iter(made)

    return make_all_pages


def _make_margin_boxes(original: Any) -> Any:
    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        numbers = _part().numbers
        if numbers is not None:
            state[1]["pages"] = [numbers.total]
        return original(context, page, state)

    return make_margin_boxes


def _strings(original: Any) -> Any:
    """Named strings and running elements: what was set before this part counts as set
    before its first page, never as set on it."""

    def resolve(self: Any, store: Any, page: Any, name: str, keyword: str = "first") -> Any:
        part = _current
        if part is None or part.plan.index == 0:
            return original(self, store, page, name, keyword)
        if store is self.running_elements:
            assigned = store.get(name, {})
            own = {p: [b for b in boxes if not _carried(b)] for p, boxes in assigned.items()}
            own = {p: boxes for p, boxes in own.items() if boxes}
            before = next((b for boxes in assigned.values() for b in boxes if _carried(b)), None)
            view: Any = {name: own}
        else:
            view = store
            before = part.numbers.strings.get(name) if part.numbers else None
        found = original(self, view, page, name, keyword)
        if found or before is None or keyword == "all-once":
            return found
        if keyword == "first-except" and self.current_page in view.get(name, {}):
            return found
        return (before,)

    return resolve


def _begins(made: list[Any], html: Any) -> bool:
    """Whether the part's first page holds its first section (and nothing pushed it on)."""
    first = first_section(html)
    return bool(made) and any(box.element is first for box in made[0].descendants())


def _running(style: Any) -> bool:
    position = style["position"]
    return isinstance(position, tuple) and position[0] == "running()"


def _carried(box: Any) -> bool:
    element = getattr(box, "element", None)
    return element is not None and element.get(CARRIED) is not None


def _set_total(context: Any, total: int) -> None:
    for entry in context.page_maker:
        entry[3][1]["pages"] = [total]


def _agree(part: _Part, context: Any, root_box: Any, html: Any, made: list[Any]) -> Numbers:
    """After the first pass: check, report, wait for the numbers, and apply them."""
    plan = part.plan
    report = part.report = _report(plan, context, root_box, html, made)
    reported = time.perf_counter()
    log.debug("part %d: first pass done, %d pages", plan.index + 1, report.pages)
    part.channel.send(report)
    if plan.whole:  # the first part, which waits for the others: how the whole reads
        part.channel.send(Parsed(plan.run, whole_tree(plan.whole)))
    numbers: Numbers = part.channel.recv()
    while not isinstance(numbers, Numbers) or numbers.run != plan.run:  # left by a failed run
        numbers = part.channel.recv()
    log.debug(
        "part %d: waited %.2f s for the other parts",
        plan.index + 1,
        time.perf_counter() - reported,
    )
    if numbers.stop:
        raise NotSplittable(numbers.stop)
    if numbers.offset and report.placed:
        check_placing(context, html, made, numbers.offset)
    _shift(context, numbers)
    return numbers


def _report(plan: PartPlan, context: Any, root_box: Any, html: Any, made: list[Any]) -> Report:
    check_counters(context, root_box, plan.index + 1 == plan.parts)
    check_targets(context)
    check_body(context, html)
    check_unbroken(context, made)
    check_end(context, html, plan.index + 1 == plan.parts)
    if plan.index > 0:
        check_start(context, html)
        for element in html.etree_element.iter():
            if element.get(CARRIED) is not None and not _running(context.style_for(element)):
                raise NotSplittable("an element before its first section is not a running one")
        if not _begins(made, html):
            raise NotSplittable("a part would begin with a page before its first section")
    anchors = _anchors(plan, context)
    strings: dict[str, str] = {}
    levels: list[int] = []
    for page in made:
        for box in page.descendants():
            if (box.element_tag or "").endswith("::footnote-call"):
                # numbered across the parts, and one may move on to the next part's page
                raise NotSplittable("it has footnotes")
            for name, text in _assignments(box):
                strings[name] = text
            level = box.style["bookmark_level"] if box.bookmark_label else "none"
            if level != "none":
                levels.append(int(level))
    running: dict[str, str] = {}
    carried: dict[str, str] = {}
    for name, by_page in context.running_elements.items():
        for number in sorted(by_page):
            for box in by_page[number]:
                markup = _markup(box.element)
                (carried if _carried(box) else running)[name] = markup
    placed = any(entry[1]["break"] in SIDED for entry in context.page_maker) or sided_rules(
        context, made
    )
    tree = part_tree(html.etree_element)
    return Report(plan.run, len(made), anchors, strings, running, carried, levels, placed, tree)


def _anchors(plan: PartPlan, context: Any) -> dict[str, int]:
    """Each anchor this part holds: the index of its page within the part."""
    return {
        name: item.page_maker_index
        for name, item in context.target_collector.target_lookup_items.items()
        if name not in plan.external and item.page_maker_index is not None
    }


def _check_kept(part: _Part, context: Any, made: list[Any]) -> None:
    """After a later pass: the part still has the pages and the anchors it reported, which
    the other parts' numbers were worked out from (a reference whose number changed width
    can move a line, and with it a page break); and every page-based content shows what
    the numbers now say, else its page is marked for one more pass (while WeasyPrint
    grants one)."""
    report = part.report
    assert report is not None
    if len(made) != report.pages or _anchors(part.plan, context) != report.anchors:
        raise NotSplittable("a part's pages moved once the parts' numbers were agreed")
    check_unbroken(context, made)
    part.passes += 1
    marked = _refresh(context)
    if marked:
        log.debug("part %d: %d page(s) to lay out again", part.plan.index + 1, marked)
        if part.passes >= PASSES:
            raise NotSplittable("a part's page numbers did not settle")


def _assignments(box: Any) -> list[tuple[str, str]]:
    sets = box.string_set
    if not sets or sets == "none":
        return []
    return [(name, text) for name, text in sets]


def _markup(element: Any) -> str:
    """An element's markup without the cut's mark (the same element in any part)."""
    plain = copy.copy(element)
    plain.attrib = {k: v for k, v in element.attrib.items() if k != CARRIED}
    return ET.tostring(plain, encoding="unicode")


def _shift(context: Any, numbers: Numbers) -> None:
    """Give the part its place: page counters from its first page number, the document's
    total, the pages of other parts' anchors; mark the pages whose content must change."""
    page_maker = context.page_maker
    collector = context.target_collector
    if numbers.offset:
        for index, entry in enumerate(page_maker):
            counters = entry[3][1]
            if "page" in counters:
                counters["page"] = [value + numbers.offset for value in counters["page"]]
            elif index == 0:
                # the counter as the first page finds it, in scope as on every later page
                # (a state that differs from the stored one would remake every page after)
                counters["page"] = [numbers.offset]
                entry[3][2][-1].add("page")
    _set_total(context, numbers.total)
    for name, item in list(collector.target_lookup_items.items()):
        if item.state != "up-to-date":
            continue
        if name in numbers.anchors:
            values = {"page": [numbers.anchors[name]], "pages": [numbers.total]}
            index = -1
        elif item.page_maker_index is not None and item.page_maker_index + 1 < len(page_maker):
            index = item.page_maker_index
            values = copy.deepcopy(page_maker[index + 1][3][1])
        else:
            continue
        if item.cached_page_counter_values.get("page") == values["page"]:
            item.cached_page_counter_values = values  # only the total changed: no remake
        else:
            collector.cache_target_page_counters(name, values, index, page_maker)
    _refresh(context)


def _refresh(context: Any) -> int:
    """Parse every page-based ``content`` again with the numbers as they now stand (its
    page's counters, its targets' pages) and mark each page whose content changed, for
    WeasyPrint's next pass to remake; how many were marked.

    WeasyPrint itself parses a page's content again only after laying the page out, and
    only when the page's own counters changed, so the numbers agreed between the parts
    would take it two passes: one to lay out the stale content and parse it again, one to
    lay out the new. Parsed here, before the pass, a page is laid out once with its numbers.
    Done again after every later pass, it also proves the part settled: a reference whose
    target moved during a pass is marked, and the part gets another pass.
    """
    page_maker = context.page_maker
    marked: set[int] = set()
    for (box, token), lookup in context.target_collector.counter_lookup_items.items():
        index = lookup.page_maker_index
        if token != "content" or index is None or index + 1 >= len(page_maker):
            continue
        values = page_maker[index + 1][3][1]  # the page's counters after it was made
        before = _shown(box)
        lookup.cached_page_counter_values = copy.deepcopy(values)
        lookup.parse_again(values)
        if _shown(box) != before:
            page_maker[index][-1]["content_changed"] = True
            marked.add(index)
    return len(marked)


def _shown(box: Any) -> list[tuple[str, str | None]]:
    """What generated content shows: each box it holds, with its text."""
    return [(type(each).__name__, getattr(each, "text", None)) for each in box.descendants()]
