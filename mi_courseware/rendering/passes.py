"""WeasyPrint's layout passes, one fewer for page-based content: it is parsed again before
the pass that lays its page out anew, not after.

WeasyPrint lays a document out in passes. After the first it knows the page total and puts
it in every page's counters, and it remakes in a second pass each page whose page-based
content (a contents line, a "p. 12" reference to a handout) points at a target it has only
now found. While remaking such a page, it compares the counters the content was parsed with
against the page's counters now; they differ (the total, at least, has changed), so it
parses the content again, *after* laying the page out, and must remake the page once more in
a third pass. On the demo pack that third pass is the contents and every session page that
lists its handouts: about a second of layout when the pack is laid out whole, and the tail
of the longer part when it is laid out in parts.

:func:`settled_totals` does that parse at the start of each later pass instead, for the
pages that pass remakes, with the counters they will have (the ones the pass would have
compared). The pass then lays the page out with its final content and finds nothing changed:
no third pass. Where the counters turn out otherwise (the pages before it moved), WeasyPrint's
own comparison still finds the difference and remakes the page, as before. The PDF is the one
the extra pass would have made, byte for byte (tested on generated documents and the demo's
packs, whole and in parts).

The hook reaches into WeasyPrint's layout (``weasyprint.layout``) for one render at a time,
like the parts' hooks (:mod:`mi_courseware.rendering.parts.layout`), and is removed after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

TOTAL = "pages"


@dataclass
class Passes:
    """How many layout passes a render took (``-vv`` says, after each document)."""

    count: int = 0


@contextmanager
def settled_totals() -> Iterator[Passes]:
    """Inside this block, each layout pass after the first starts with :func:`settle`; the
    passes are counted."""
    import weasyprint.layout

    original = weasyprint.layout.make_all_pages
    passes = Passes()

    def make_all_pages(context: Any, root_box: Any, html: Any, pages: list[Any]) -> Any:
        passes.count += 1
        if pages:  # a later pass: the total is known
            settle(context)
        return original(context, root_box, html, pages)

    weasyprint.layout.make_all_pages = make_all_pages
    try:
        yield passes
    finally:
        weasyprint.layout.make_all_pages = original


def settle(context: Any) -> None:
    """Before a later pass: the page-based content of each page that pass remakes, parsed
    again with the document's total now, as the pass itself would do once it had laid the
    page out (which makes WeasyPrint remake the page in yet another pass). Parsed first, the
    page is laid out with it in this pass; the pass then finds nothing changed."""
    states = context.page_maker
    total = states[0][3][1].get(TOTAL) if states else None
    if total is None:
        return
    for lookup in context.target_collector.counter_lookup_items.values():
        index = lookup.page_maker_index
        remembered = lookup.cached_page_counter_values
        if index is None or index >= len(states) or remembered.get(TOTAL, total) == total:
            continue
        flags = states[index][-1]
        if not (flags["content_changed"] or flags["pages_wanted"]):
            continue  # a page this pass keeps: left as WeasyPrint leaves it
        values = {**remembered, TOTAL: list(total)}
        if any(values.get(name) is not None for name in lookup.missing_counters):
            lookup.cached_page_counter_values = values
            lookup.parse_again(values)
