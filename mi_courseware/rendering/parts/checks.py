"""What a part of a document cannot know alone, checked in the worker that lays it out.

A part is laid out by itself, and the whole document's numbers are agreed after its first
pass (:mod:`.layout`). Whatever else only the whole document knows (CSS counters and lists
numbering on across the parts, quotation marks opened in one part and closed in another,
footnotes, page rules that tell a first, left or right page from another or count pages in
a group, page rules that set counters, a part that does not start on a forced page break,
page numbers in generated content that breaks across two pages) ends the part with
:class:`NotSplittable`, and the parent lays the document out whole.
"""

from __future__ import annotations

from typing import Any

from mi_courseware.errors import MiCoursewareError

#: The attribute the cut puts on the copies of running elements a later part is given.
CARRIED = "data-mi-carried"
#: The attribute of the empty, hidden stand-in of another part's section.
STAND_IN = "data-mi-stand-in"
#: The margin boxes of a page, whose styles must not depend on where the page falls.
MARGINS = tuple(
    f"@{side}-{place}"
    for side, places in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("bottom", ("left-corner", "left", "center", "right", "right-corner")),
        ("left", ("top", "middle", "bottom")),
        ("right", ("top", "middle", "bottom")),
    )
    for place in places
)
#: Page breaks that choose a side of a spread, and every forced page break.
SIDED = {"left", "right", "recto", "verso"}
FORCED = {"page", *SIDED}


class NotSplittable(MiCoursewareError):
    """The document must be laid out whole (the message says why; never shown as an error:
    the parent lays the document out whole instead)."""


def check_counters(context: Any, root_box: Any, last: bool) -> None:
    """CSS counters of its own (numbering sessions, figures), lists numbered on from one
    section to the next, and quotation marks opened in one part and closed in another run
    across the parts: a part cannot know where they stand. Page-based content outside the
    page's margins that needs the total is not supported either, nor page numbers and
    quotation marks in one content (each parse of it moves the quotes' depth on)."""
    depth = 0  # in quotation marks, as WeasyPrint counts them
    for box in root_box.descendants():
        style = box.style
        for kind, value in _content(box):
            if kind == "quote":
                depth = depth + 1 if "open" in value else max(0, depth - 1)
        if style["position"] == "fixed":
            raise NotSplittable("an element of it is fixed to every page")
        if style["margin_break"] == "discard":
            raise NotSplittable("its margins are discarded at page breaks but on the first")
        for prop in ("counter_increment", "counter_set", "counter_reset"):
            value = style[prop]
            if value in ("auto", "none") or not value:
                continue
            names = {name for name, _ in value} - {"list-item"}
            if names:
                raise NotSplittable(f"its stylesheets number things with counters ({prop})")
    _check_lists(root_box, scoped=False)
    if not last and depth:
        raise NotSplittable("a quotation opened in one part closes in another")
    for (box, token), _item in context.target_collector.counter_lookup_items.items():
        if token != "content":
            raise NotSplittable(f"its stylesheets put page numbers in {token}")
        if any(kind == "quote" for kind, _ in _content(box)):
            raise NotSplittable("its page numbers and quotation marks share a content")
    for _sheet, _origin, _specificity in context.style_for._sheets:
        for _rule, selectors, declarations in _sheet.page_rules:
            if any(_grouped(selector[2]) for selector in selectors):
                raise NotSplittable("its page rules pick pages by their place in a group")
            if any(name.startswith("counter_") for name, _, _ in declarations):
                raise NotSplittable("its page rules set counters")


def _check_lists(box: Any, scoped: bool) -> None:
    """Every list item is numbered by a ``list-item`` counter made inside a section (each
    ``ol`` and ``ul`` makes one), never by one the ``html`` or ``body`` holds, which would
    number on across the parts."""
    style = box.style
    if box.element_tag not in ("html", "body"):
        scoped = scoped or any(name == "list-item" for name, _ in style["counter_reset"] or ())
    used = [
        name
        for prop in ("counter_increment", "counter_set")
        if style[prop] not in ("auto", "none")
        for name, _ in style[prop] or ()
    ]
    implicit = style["counter_increment"] == "auto" and "list-item" in style["display"]
    if (implicit or "list-item" in used) and not scoped:
        raise NotSplittable("its lists number on from one section to the next")
    for child in getattr(box, "children", ()):
        _check_lists(child, scoped)


def _content(box: Any) -> tuple[tuple[str, Any], ...]:
    content = box.style["content"]
    return () if content in ("normal", "none", "inhibit") or not content else tuple(content)


def _grouped(page_type: Any) -> bool:
    """Whether a page selector counts pages within a group (``:nth(1 of chapter)``)."""
    index = getattr(page_type, "index", None)
    return index is not None and index[2] is not None


def check_targets(context: Any) -> None:
    """A reference (not a link: the cut sees only links) to an anchor the part holds only
    on a stand-in, which another part lays out: WeasyPrint waits for its box, which never
    comes, and would show nothing."""
    for item in context.target_collector.target_lookup_items.values():
        if item.state == "pending" and item.parse_again_functions:
            raise NotSplittable("a reference leads to an anchor the part does not hold")


def check_unbroken(context: Any, made: list[Any]) -> None:
    """Page-based content that breaks across two pages: WeasyPrint parses it again after
    the first page, and the second shows what the part's own numbers were then."""
    lookups = {
        box for box, token in context.target_collector.counter_lookup_items if token == "content"
    }
    where: dict[Any, int] = {}
    for index, page in enumerate(made):
        for box in page.descendants():
            link = box.missing_link
            if link is not None and link in lookups and where.setdefault(link, index) != index:
                raise NotSplittable("a page number in generated content breaks across pages")


def _own(html: Any) -> list[Any]:
    """The part's own top-level elements (not the carried ones, not the stand-ins)."""
    body = next((child for child in html.etree_element if child.tag == "body"), None)
    return [
        child
        for child in (body if body is not None else ())
        if isinstance(child.tag, str) and child.get(CARRIED) is None and child.get(STAND_IN) is None
    ]


def first_section(html: Any) -> Any:
    """The part's first element of its own, or None."""
    own = _own(html)
    return own[0] if own else None


def check_end(context: Any, html: Any, last: bool) -> None:
    """A part other than the last ends without asking the next page for a side of a
    spread: the whole document would add a blank page there, which no part makes."""
    if last:
        return
    own = _own(html)
    element = own[-1] if own else None
    while element is not None:
        if context.style_for(element)["break_after"] in SIDED:
            raise NotSplittable("a part would end asking for a side of a spread")
        children = [node for node in element if isinstance(node.tag, str)]
        element = children[-1] if children else None


def check_start(context: Any, html: Any) -> None:
    """A later part starts where the whole document breaks the page anyway."""
    first = first_section(html)
    if first is None:
        raise NotSplittable("a part is empty")
    style = context.style_for(first)
    breaks = style["break_before"]
    if breaks not in FORCED:
        raise NotSplittable("a part would not start on a new page")
    if breaks in SIDED:
        raise NotSplittable("a part would start on a chosen side of a spread")
    # the break is the whole document's only where the section is a block in the body's
    # flow, and no first child of it asks for a side of a spread
    if not _in_flow(style):
        raise NotSplittable("a part's first section is not a block in the body's flow")
    child = next((node for node in first if isinstance(node.tag, str)), None)
    while child is not None:
        if context.style_for(child)["break_before"] in SIDED:
            raise NotSplittable("a part would start on a chosen side of a spread")
        child = next((node for node in child if isinstance(node.tag, str)), None)


def check_body(context: Any, html: Any) -> None:
    """The ``html`` and ``body`` elements lay their sections out one after another, with
    nothing of their own that only the document's first page shows (a top margin, padding
    or border) or that every part would repeat (generated content)."""
    root = html.etree_element
    body = next((child for child in root if child.tag == "body"), None)
    for element in (root, body):
        if element is None:
            continue
        style = context.style_for(element)
        if not _in_flow(style) or style["display"] != ("block", "flow"):
            raise NotSplittable("its body does not lay its sections out one below another")
        if style["column_count"] != "auto" or style["column_width"] != "auto":
            raise NotSplittable("its body is set in columns")
        if style["height"] != "auto":
            raise NotSplittable("its body has a height of its own")
        top = (style["margin_top"], style["padding_top"], style["border_top_width"])
        if any(getattr(value, "value", value) != 0 for value in top):
            raise NotSplittable("its body has a top margin, padding or border")
        for pseudo in ("before", "after"):
            generated = context.style_for(element, pseudo)
            if generated is not None and generated["content"] not in ("normal", "none"):
                raise NotSplittable("its body has generated content of its own")


def _in_flow(style: Any) -> bool:
    """A block in normal flow: not hidden, inline, floated or positioned out of it."""
    display = style["display"]
    return (
        "block" in display
        and "none" not in display
        and style["float"] == "none"
        and style["position"] in ("static", "relative")
    )


def sided_rules(context: Any, made: list[Any]) -> bool:
    """Whether any page rule tells a first, blank, left or right page from another."""
    from weasyprint.layout.page import PageType

    style_for = context.style_for
    for page in made:
        local = page.page_type
        other = PageType(
            "left" if local.side == "right" else "right", local.blank, local.name, 1, local.groups
        )
        if _page_styles(style_for, local) != _page_styles(style_for, other):
            return True
    return False


def _page_styles(style_for: Any, page_type: Any) -> list[dict[str, Any]]:
    style_for.add_page_declarations(page_type)
    cascaded = style_for.get_cascaded_styles()
    styles = []
    for pseudo in (None, *MARGINS):
        declared = cascaded.get((page_type, pseudo)) or {}
        styles.append({name: value for name, (value, _) in declared.items()})
    return styles


def check_placing(context: Any, html: Any, made: list[Any], offset: int) -> None:
    """A later part whose pages would be styled by their side or place: only when the
    whole document puts them on the same sides, and no page rule picks out a page by its
    place (the first page of a later part is not the document's first)."""
    from weasyprint.layout.page import PageType

    style_for = context.style_for
    for index, page in enumerate(made):
        local = page.page_type
        side = local.side
        if offset % 2:
            side = "left" if side == "right" else "right"
        placed = PageType(side, local.blank, local.name, index + offset, local.groups)
        if _page_styles(style_for, local) != _page_styles(style_for, placed):
            raise NotSplittable("its page rules style a page by its side or place")
    if offset % 2 and any(entry[1]["break"] in SIDED for entry in context.page_maker):
        raise NotSplittable("its page breaks choose a side of a spread")
