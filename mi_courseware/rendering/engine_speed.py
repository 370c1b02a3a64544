"""One repair to the PDF engine's speed, made once per process, changing no byte of output.

pydyf's ``PDF.page_references`` builds the tuple of every page's reference anew each time it
is read, and WeasyPrint's tagging reads it once for every tagged element (and its links once
per link): the work grows with pages times elements. On the demo's 85-page pack it took
0.2 s of the 1.2 s WeasyPrint spends writing the PDF. Here the tuple is kept per PDF and
made again only when the PDF's list of pages is not the one it was made from, so every read
gives what pydyf's own property would.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

#: Where the kept tuple lives on each ``pydyf.PDF``: the page numbers it was made from, and it.
KEPT = "_mi_courseware_page_references"


def install() -> None:
    """Keep ``pydyf.PDF.page_references`` (once per process; later calls do nothing).

    A pydyf without that property (a later release may change it) is left as it is, and
    ``-vv`` says so."""
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if hasattr(getattr(original, "fget", None), "original"):
        return
    if not isinstance(original, property) or original.fget is None:
        log.debug("pydyf.PDF has no page_references property: page references not kept")
        return
    make = original.fget

    def page_references(pdf: Any) -> Any:
        numbers = tuple(pdf.pages["Kids"][::3])
        kept = pdf.__dict__.get(KEPT)
        if kept is None or kept[0] != numbers:
            kept = (numbers, make(pdf))
            pdf.__dict__[KEPT] = kept
        return kept[1]

    page_references.original = original  # type: ignore[attr-defined]
    page_references.__doc__ = make.__doc__
    pydyf.PDF.page_references = property(page_references)  # type: ignore[method-assign]
