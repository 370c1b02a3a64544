"""What the parent and the parts of one document tell each other (:mod:`.run`, :mod:`.layout`).

The parent gives each part its :class:`PartPlan`; after its first pass a part sends its
:class:`Report` (the first part then also sends the whole document's tree,
:class:`~.tree.Parsed`) and waits for its :class:`Numbers`; its last word says how it ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mi_courseware.rendering.parts.tree import PartTree


@dataclass(frozen=True)
class PartPlan:
    """What a part knows before it starts: its place, and the anchors it refers to elsewhere."""

    index: int
    parts: int
    #: Anchors this part's links and references name, held by another part.
    external: tuple[str, ...]
    #: Which document in parts this is: every message carries it, so that a word left in
    #: a channel by a part that failed is never taken for the next document's.
    run: int = 0
    #: The whole document's HTML, given to the first part only: it reads it while it waits
    #: for the others, so that the parent can compare each part's tree with the whole's.
    whole: str = field(default="", repr=False)


@dataclass
class Report:
    """What a part tells the parent after its first pass."""

    run: int
    pages: int
    #: Each anchor of this part: the index of its page within the part.
    anchors: dict[str, int]
    #: The last value of each named string set in this part.
    strings: dict[str, str]
    #: The last running element of each name in this part, as markup.
    running: dict[str, str]
    #: The running elements this part was given by the cut, as markup.
    carried: dict[str, str]
    #: Bookmark levels in document order.
    levels: list[int]
    #: Whether the part's page breaks or page rules depend on a page's side or place.
    placed: bool
    #: The part's tree as WeasyPrint read it.
    tree: PartTree


@dataclass
class Numbers:
    """What the parent tells a part once every part has reported (or why to stop)."""

    run: int = 0
    offset: int = 0
    total: int = 0
    #: External anchors: their page numbers in the whole document.
    anchors: dict[str, int] = field(default_factory=dict)
    #: Named strings set before this part, as they stand at its start.
    strings: dict[str, str] = field(default_factory=dict)
    #: Set when the document is to be laid out whole instead.
    stop: str = ""
