"""Course Markdown into a Word document: the same parsed blocks the PDF's HTML is made from.

The text is parsed once (:func:`mi_courseware.loading.markdown.parse`) and walked as a tree,
as the deck walks it: headings become Heading 2-4 (a session's title is its Heading 1),
lists real Word lists, tables Word tables, and the MI blocks styled paragraphs: an exercise
its shaded ``Exercise`` panel, trainer notes and answers (guide only) ``Trainer Note`` and
``Answer`` panels, ``::: lines`` and ``::: box`` rows of a fixed height to write in, and the
diagrams pictures with their words beside them. A picture the document may not read, or
one without alt text, is an error at its line, as in the PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from mi_courseware.errors import ContentError, Position, Problem
from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.markdown import TRAINER_ONLY, block_info, parse, without_blocks
from mi_courseware.rendering.diagrams import Palette, drawing
from mi_courseware.rendering.docx import ooxml
from mi_courseware.rendering.docx.numbering import list_style, number
from mi_courseware.rendering.docx.pictures import Font, diagram, picture, shown_width_mm
from mi_courseware.rendering.docx.styles import PANEL_INSET, TEXT_WIDTH_MM
from mi_courseware.rendering.docx.writer import WordWriter, clean, first_cell_empty
from mi_courseware.rendering.fetcher import ALLOWED_FILES, Fence

#: Panel styles of the MI blocks that are panels.
PANELS = {"exercise": "Exercise", "notes": "Trainer Note", "answers": "Answer"}
_LINKS = re.compile(r"^(https?://|mailto:)[^\s\"\\]+$")


@dataclass(frozen=True)
class Place:
    """Where blocks go: the body or a cell, inside which panel, quote and list level."""

    within: Any = None
    panel: str | None = None
    quote: bool = False
    depth: int = 0

    def style(self, default: str = "Normal") -> str:
        """The paragraph style of text here."""
        return self.panel or ("Quote" if self.quote else default)


@dataclass(frozen=True)
class TextSetup:
    """The document's words, colours, files and sizes the blocks are drawn with."""

    t: Translator
    palette: Palette
    allowed: frozenset[Path]
    font: Font
    facilitator: bool
    #: The theme's text scale (large print draws diagrams and writing lines larger).
    scale: float = 1.0


class MarkdownWriter:
    """Writes course Markdown into a :class:`WordWriter`."""

    def __init__(self, writer: WordWriter, look: TextSetup) -> None:
        self.w = writer
        self.look = look
        self.problems: list[Problem] = []
        self.source = Path()
        self.first_line = 1
        self.worksheet = False
        #: The line (in the text) of the block being written, for messages.
        self.line = 0

    def write(
        self,
        text: str | None,
        source: Path,
        first_line: int,
        worksheet: bool = False,
        panel: str | None = None,
    ) -> None:
        """Write ``text`` (from ``source``, starting at ``first_line``) at the document's
        end, inside ``panel`` when given; a worksheet's tables get rows tall enough to
        write in."""
        if not text:
            return
        tokens = parse(text)
        if not self.look.facilitator:
            tokens = without_blocks(tokens, TRAINER_ONLY)
        self.source, self.first_line, self.worksheet = source, first_line, worksheet
        self.blocks(SyntaxTreeNode(tokens).children, Place(panel=panel))

    def check(self) -> None:
        """Raise every problem found (refused pictures), at its line."""
        if self.problems:
            raise ContentError(self.problems)

    # -- blocks ----------------------------------------------------------------------------
    def blocks(self, nodes: list[SyntaxTreeNode], place: Place) -> None:
        """Write each block node at ``place``."""
        for node in nodes:
            kind = node.type
            if node.map:
                self.line = node.map[0]
            if kind == "paragraph":
                self.paragraph(node, place, place.style())
            elif kind == "heading":
                level = max(2, int(node.tag[1]))
                style = (
                    "Exercise Heading" if place.panel == "Exercise" else f"Heading {min(level, 4)}"
                )
                self.runs(self.w.para("", style, place.within), node.children[0])
            elif kind in ("bullet_list", "ordered_list"):
                self.listing(node, place)
            elif kind == "blockquote":
                self.blocks(node.children, replace(place, quote=True))
            elif kind == "table":
                self.table(node, place)
            elif kind in ("fence", "code_block"):
                paragraph = self.w.para("", "Code", place.within)
                for index, line in enumerate(node.content.rstrip("\n").split("\n")):
                    if index:
                        paragraph.add_run().add_break()
                    paragraph.add_run(clean(line))
            elif kind.startswith("container_"):
                self.container(node, place)
            # a thematic break (---) starts a slide in the deck and draws nothing here

    def paragraph(self, node: SyntaxTreeNode, place: Place, style: str) -> Any:
        """A paragraph of inline text (pictures in it shown where they stand)."""
        paragraph = self.w.para("", style, place.within)
        self.runs(paragraph, node.children[0] if node.children else None)
        return paragraph

    def listing(self, node: SyntaxTreeNode, place: Place) -> None:
        """A real Word list: each item numbered by the document's numbering, nested lists one
        level deeper; an item's further paragraphs continue it."""
        ordered = node.type == "ordered_list"
        level = place.depth
        if ordered:
            start = int(node.attrs.get("start", 1) or 1)
            num = self.w.lists.numbered(level, start)
        else:
            num = self.w.lists.bullets
        inner = replace(place, depth=level + 1)
        for item in node.children:
            first = True
            for child in item.children:
                if child.type == "paragraph":
                    style = place.style(list_style(ordered, level) if first else "List Continue")
                    paragraph = self.paragraph(child, place, style)
                    if first:
                        number(paragraph, num, level, PANEL_INSET.get(place.panel or "", 0.0))
                    first = False
                elif child.type in ("bullet_list", "ordered_list"):
                    self.listing(child, inner)
                else:
                    self.blocks([child], inner)

    def table(self, node: SyntaxTreeNode, place: Place) -> None:
        """A Word table in the ``Course Table`` style, its header row repeated."""
        rows = [row for section in node.children for row in section.children]
        columns = max(len(row.children) for row in rows)
        table = self.w.table(
            [[""] * columns for _ in rows],
            [TEXT_WIDTH_MM / columns] * columns,
            within=place.within,
        )
        for row, cells in zip(table.rows, rows, strict=True):
            if self.worksheet and row is not table.rows[0]:
                from docx.enum.table import WD_ROW_HEIGHT_RULE
                from docx.shared import Mm

                row.height, row.height_rule = Mm(10), WD_ROW_HEIGHT_RULE.AT_LEAST
            for cell, source in zip(row.cells, cells.children, strict=False):
                inline = source.children[0] if source.children else None
                self.runs(cell.paragraphs[0], inline)
        self.w.para("", "Normal", place.within).paragraph_format.space_after = 0

    # -- the MI blocks -------------------------------------------------------------------
    def container(self, node: SyntaxTreeNode, place: Place) -> None:
        """An MI block (``::: exercise``, ``::: notes``...)."""
        assert node.nester_tokens is not None  # a container has its opening and closing
        info = block_info(node.nester_tokens.opening)
        t = self.look.t
        if info.name in ("notes", "answers"):
            panel = PANELS[info.name]
            self.w.label(t("trainer_notes" if info.name == "notes" else "answers"), panel)
            self.blocks(node.children, replace(place, panel=panel))
        elif info.name == "exercise":
            self.w.label(t("exercise"), "Exercise", place.within)
            title = str(info.options.get("title") or t("exercise"))
            self.w.para(title, "Exercise Heading", place.within)
            facts = []
            if "minutes" in info.options:
                facts.append(t("minutes_n", n=info.options["minutes"]))
            if "grouping" in info.options:
                facts.append(t(f"grouping_{str(info.options['grouping']).replace(' ', '_')}"))
            if facts:
                meta = self.w.para("", "Exercise", place.within)
                meta.add_run(clean(" · ".join(facts))).bold = True
            self.blocks(node.children, replace(place, panel="Exercise"))
        elif info.name == "diagram":
            self.diagram(info.argument or "", info.options, place)
        elif info.name == "columns":
            self.columns(node, place)
        elif info.name == "lines":
            self.writing(info.options.get("label"), int(info.options.get("n", 4)), 8.5, place)
        elif info.name == "box":
            height = int(info.options.get("height", 30))
            self.writing(info.options.get("label"), 1, height, place)
        else:  # a slide layout says nothing to print; its content is written as it stands
            self.blocks(node.children, place)

    def writing(self, label: object, rows: int, height_mm: float, place: Place) -> None:
        """Space to write, under its label."""
        if label:
            self.w.para(str(label), "Writing Label", place.within)
        scale = self.look.scale if rows > 1 else 1.0
        self.w.writing_rows(rows, height_mm * min(scale, 1.3), place.within)

    def columns(self, node: SyntaxTreeNode, place: Place) -> None:
        """Side-by-side columns, each starting at a heading, as a table without lines."""
        groups: list[list[SyntaxTreeNode]] = []
        for child in node.children:
            if child.type == "heading" or not groups:
                groups.append([])
            groups[-1].append(child)
        groups = groups or [[]]
        width = TEXT_WIDTH_MM / len(groups)
        table = self.w.table([[""] * len(groups)], [width] * len(groups), False, None, place.within)
        secondary = self.look.palette.secondary
        for cell, group in zip(table.rows[0].cells, groups, strict=True):
            ooxml.cell_borders(cell, [ooxml.border("top", secondary, 24, 0, "accent2")])
            self.blocks(group, replace(place, within=cell, depth=0))
            first_cell_empty(cell)
        self.w.para("", "Normal", place.within).paragraph_format.space_after = 0

    def diagram(self, name: str, options: dict[str, str | int], place: Place) -> None:
        """A diagram: a picture with alt text and its words beside it, or the decisional
        balance as a table to write in."""
        look = self.look
        drawn = drawing(name, look.palette, look.t, options)
        if drawn is None:
            self.balance(place)
            return
        large = look.scale > 1
        if name == "ruler":
            self.w.para(drawn.caption, "Writing Label", place.within)
            width = 170.0 if large else 150.0
        else:
            width = 170.0 if large else 135.0
        png = diagram(drawn.svg, self.source, width, look.font)
        paragraph = self.w.para("", place.style(), place.within)
        paragraph.paragraph_format.keep_with_next = name != "ruler"
        self.w.picture_later(png, width, drawn.alt, paragraph)
        if name != "ruler":
            self.w.para(drawn.caption, "Caption", place.within)

    def balance(self, place: Place) -> None:
        """The decisional balance: a two-by-two grid with headings, room to write in each
        box."""
        from docx.enum.table import WD_ROW_HEIGHT_RULE
        from docx.shared import Mm

        from mi_courseware.core.colour import band, tint

        t, palette = self.look.t, self.look.palette
        rows = [
            ["", t("balance_good"), t("balance_not_so_good")],
            [t("balance_staying"), "", ""],
            [t("balance_changing"), "", ""],
        ]
        corner = 46.0 if self.look.scale > 1 else 34.0
        box = (TEXT_WIDTH_MM - corner) / 2
        table = self.w.table(rows, [corner, box, box], True, None, place.within)
        head, ink = band(palette.primary)
        for index, row in enumerate(table.rows):
            if index:
                row.height, row.height_rule = Mm(52), WD_ROW_HEIGHT_RULE.EXACTLY
            else:
                row.height, row.height_rule = Mm(10), WD_ROW_HEIGHT_RULE.AT_LEAST
            for column, cell in enumerate(row.cells):
                if index == 0 and column == 0:
                    continue
                sides = ("top", "left", "bottom", "right")
                ooxml.cell_borders(
                    cell, [ooxml.border(side, palette.primary, 8, 0, "accent1") for side in sides]
                )
                ooxml.middle(cell)
                paragraph = cell.paragraphs[0]
                for run in paragraph.runs:
                    run.bold = True
                if index == 0:
                    ooxml.cell_shading(cell, head, "accent4")
                    for run in paragraph.runs:
                        ooxml.colour(run._r.get_or_add_rPr(), ink)
                elif column == 0:
                    ooxml.cell_shading(cell, tint(palette.primary, 0.14), "accent1", "24")
        caption = t("balance_caption")
        ooxml.table_description(table, caption, caption)
        self.w.para(caption, "Caption", place.within)

    # -- inline ------------------------------------------------------------------------------
    def runs(self, paragraph: Any, node: SyntaxTreeNode | None, **look: Any) -> None:
        """Runs for an inline node's children: bold, italics, struck, code, links (as Word
        link fields: nothing in the file points outside it) and pictures."""
        if node is None:
            return
        for child in node.children:
            kind = child.type
            if kind == "text":
                self._run(paragraph, child.content, **look)
            elif kind == "softbreak":
                self._run(paragraph, " ", **look)
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind == "code_inline":
                self._run(paragraph, child.content, code=True, **look)
            elif kind in ("strong", "em", "s"):
                key = {"strong": "bold", "em": "italic", "s": "strike"}[kind]
                self.runs(paragraph, child, **{**look, key: True})
            elif kind == "link":
                before = len(paragraph.runs)
                self.runs(paragraph, child, **look)
                href = str(child.attrs.get("href", ""))
                if _LINKS.match(href):
                    made = paragraph.runs[before:]
                    for run in made:
                        run.style = self.w.doc.styles["Hyperlink"]
                    ooxml.link_runs(paragraph, href, made)
            elif kind == "image":
                self.image(paragraph, child)
            else:
                self.runs(paragraph, child, **look)

    def _run(self, paragraph: Any, text: str, code: bool = False, **look: Any) -> None:
        run = paragraph.add_run(clean(text))
        if look.get("bold"):
            run.bold = True
        if look.get("italic"):
            run.italic = True
        if look.get("strike"):
            run.font.strike = True
        if code:
            run.font.name = "Courier New"

    def image(self, paragraph: Any, node: SyntaxTreeNode) -> None:
        """A picture the text shows, with its alt text; its title as a caption below."""
        src = str(node.attrs.get("src", ""))
        alt = "".join(c.content for c in node.children if c.type == "text").strip()
        line = self.first_line + self.line
        path = self.source.parent / src
        problem = None
        if not alt:
            problem = f"image '{src}' has no alt text: write ![what it shows]({src})"
        elif re.match(r"^[a-z][a-z0-9+.-]*:", src) or not Fence(self.look.allowed, path).allows(
            path
        ):
            problem = f"refused to show image '{src}': {ALLOWED_FILES}"
        if problem:
            self.problems.append(Problem(Position(self.source, line), problem))
            return
        image = picture(path.resolve(), TEXT_WIDTH_MM, self.look.font)
        self.w.picture(image.data, shown_width_mm(image, TEXT_WIDTH_MM), alt, paragraph)
        title = node.attrs.get("title")
        if title:
            self.w.para(str(title), "Caption")
