"""What a slide should show, before it is measured and written: the deck's working model."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mi_courseware.errors import Position
from mi_courseware.rendering.pptx.ooxml import Box, Para


@dataclass(frozen=True)
class DiagramSpec:
    """A diagram drawn with shapes: ``cycle-of-change``, ``decisional-balance`` or ``ruler``."""

    kind: str
    label: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """A native table: a header row and body rows of cells (each a tuple of runs)."""

    header: tuple[Para, ...]
    rows: tuple[tuple[Para, ...], ...]
    muted_rows: frozenset[int] = frozenset()  # rows set in muted italics (breaks)


@dataclass(frozen=True)
class ImageSpec:
    """A picture and its alternative text (never its file path)."""

    path: Path
    alt: str
    caption: str | None = None  # the Markdown image's title: ![alt](file "caption")


@dataclass
class SlideSpec:
    """One slide (before fitting): its layout key, title, text by placeholder role, notes."""

    layout: str
    title: str
    text: dict[str, list[Para]] = field(default_factory=dict)
    notes: list[Para] = field(default_factory=list)
    diagram: DiagramSpec | None = None
    table: TableSpec | None = None
    image: ImageSpec | None = None
    position: Position | None = None
    footer: bool = True
    lang: str = ""  # the BCP 47 tag of the deck's language: plan_deck sets it on every slide
    #: The size of the slide a continuation continues: its flowing text is set no larger.
    largest: float | None = None


@dataclass
class FittedText:
    """Text for one placeholder with the size it fits at (and a box when moved)."""

    paras: list[Para]
    size: float
    box: Box | None = None  # set when the writer must move the placeholder


@dataclass
class FittedSlide:
    """A slide ready to write: every text measured, sized and split."""

    layout: str
    title: FittedText
    text: dict[str, FittedText]
    notes: list[Para]
    diagram: DiagramSpec | None = None
    table: TableSpec | None = None
    table_size: float = 18
    table_widths: tuple[int, ...] = ()
    table_heights: tuple[int, ...] = ()
    image: ImageSpec | None = None
    footer: bool = True
    lang: str = ""  # as the SlideSpec's
    boxes: dict[str, Box] = field(default_factory=dict)  # text areas by role, as placed
