"""The Word styles of the editions, made from the theme and the client's brand.

Every paragraph the writer makes carries a named style (:data:`~mi_courseware.loading.word.
PARAGRAPH_STYLES`), so that Word's navigation pane shows the structure, a contents field
works, and restyling a style in Word restyles the document. The styles start from
python-docx's own template (Word's built-in ones: Title, Heading 1-4, List Bullet, Quote,
Caption...) and add the course's own (Exercise, Trainer Note, Answer, Label, Note...).

Colours are the document's theme colours (the brand's, as in the deck: text2 is the primary
made readable on white, accent1-3 the brand's three colours), so a heading set in "text2"
follows a new colour scheme chosen in Word. Fonts are the theme's fonts (its major and minor
font, both the theme's face); sizes follow the theme's ``docx_body_size`` option (large print
sets it larger). A client's own Word template replaces all of this with its styles
(:mod:`mi_courseware.loading.word`); only the lists are tied to this document's numbering.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from mi_courseware.core.colour import tint
from mi_courseware.rendering.docx.ooxml import (
    border,
    borders,
    colour,
    element,
    put,
    put_ppr,
    shading,
    twips,
)

#: Text colours that are not the brand's.
MUTED = "#50565e"
NOTE_FILL = "#f3f1ea"
NOTE_RULE = "#d8d2bf"
RULE = "#c4cad1"
#: The width of the text on an A4 page with the pack's margins (22 mm and 18 mm).
TEXT_WIDTH_MM = 170.0
#: How far each panel's text is set in from its edges (millimetres).
PANEL_INSET = {"Exercise": 4.0, "Trainer Note": 3.0, "Answer": 3.0}


@dataclass(frozen=True)
class Look:
    """How one style looks: sizes in points at an 11 pt body, colours by theme slot."""

    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    caps: bool = False
    colour: str | None = None  # a theme slot (text1, text2, accent1...) or "muted"
    before: float | None = None
    after: float | None = None
    keep_next: bool = False
    page_break: bool = False
    panel: str | None = None  # exercise | note
    left_mm: float | None = None


#: Paragraph styles: name -> (based on, look). Built-in styles are changed, others added.
PARAGRAPH_LOOKS: dict[str, tuple[str | None, Look]] = {
    "Normal": (None, Look(size=11, colour="text1", after=6)),
    "Title": ("Normal", Look(size=32, bold=True, colour="text2", after=12, keep_next=True)),
    "Subtitle": ("Normal", Look(size=14, italic=False, colour="text2", after=8)),
    "Heading 1": (
        "Normal",
        Look(size=24, bold=True, colour="text2", before=0, after=14, page_break=True),
    ),
    "Heading 2": ("Normal", Look(size=14, bold=True, colour="text2", before=16, after=6)),
    "Heading 3": ("Normal", Look(size=12, bold=True, italic=False, colour="text1", before=12)),
    "Heading 4": ("Normal", Look(size=11, bold=True, italic=False, colour="text1", before=10)),
    "List Bullet": ("Normal", Look(after=4)),
    "List Bullet 2": ("Normal", Look(after=4)),
    "List Bullet 3": ("Normal", Look(after=4)),
    "List Number": ("Normal", Look(after=4)),
    "List Number 2": ("Normal", Look(after=4)),
    "List Number 3": ("Normal", Look(after=4)),
    "List Continue": ("Normal", Look(after=3, left_mm=6.35)),
    "Quote": ("Normal", Look(size=12, italic=True, colour="text1", left_mm=6)),
    "Caption": ("Normal", Look(size=9.5, bold=False, colour="muted", after=10)),
    "TOC Heading": ("Heading 1", Look()),
    "toc 1": ("Normal", Look(after=3)),
    "toc 2": ("Normal", Look(size=10, after=2, left_mm=8.5)),
    "Header": ("Normal", Look(size=8.5, colour="muted", after=0)),
    "Footer": ("Normal", Look(size=8.5, colour="muted", after=0)),
    "Label": ("Normal", Look(size=9, bold=True, caps=True, colour="muted", after=4)),
    "Note": ("Normal", Look(size=9.5, colour="muted", after=4)),
    "Exercise": ("Normal", Look(panel="exercise", after=3)),
    "Exercise Heading": (
        "Heading 3",
        Look(size=12, colour="text2", before=8, after=2, panel="exercise"),
    ),
    "Trainer Note": ("Normal", Look(size=10, panel="note", after=3)),
    "Answer": ("Normal", Look(size=10, panel="note", after=3)),
    "Writing Label": ("Normal", Look(bold=True, before=8, after=2, keep_next=True)),
    "Code": ("Normal", Look(size=9.5, after=4)),
}
#: Heading styles and the outline level each shows at in the navigation pane.
OUTLINE = {"Heading 1": 0, "Heading 2": 1, "Heading 3": 2, "Heading 4": 3}


def _slot(name: str, scheme: dict[str, str]) -> tuple[str, str | None]:
    """A look's colour as ``(hex, theme colour)``; ``text2`` is the scheme's ``dk2``."""
    if name == "muted":
        return MUTED, None
    key = {"text1": "dk1", "text2": "dk2"}.get(name, name)
    return scheme[key], name


class StyleMaker:
    """Sets the theme's looks on the document's styles (scaled to its body size)."""

    def __init__(self, document: Any, scheme: dict[str, str], body: float) -> None:
        self.document = document
        self.styles = document.styles
        self.scheme = scheme
        self.scale = body / 11

    def make(self) -> None:
        """Every style the writer uses, in the theme's look."""
        for name, (based_on, look) in PARAGRAPH_LOOKS.items():
            style = self._style(name, WD_STYLE_TYPE.PARAGRAPH)
            if based_on is not None:
                style.base_style = self.styles[based_on]
            self._look(style, look)
            if name in OUTLINE:
                put_ppr(style.element.get_or_add_pPr(), element("w:outlineLvl", val=OUTLINE[name]))
        self.styles["Exercise Heading"].next_paragraph_style = self.styles["Exercise"]
        for name in ("Label", "Writing Label"):
            self.styles[name].next_paragraph_style = self.styles["Normal"]
        self.styles["Code"].font.name = "Courier New"
        self._characters()
        self._table()

    def _style(self, name: str, kind: Any) -> Any:
        try:
            style = self.styles[name]
        except KeyError:
            style = self.styles.add_style(name, kind)
        style.hidden = False
        style.quick_style = True
        style.unhide_when_used = False
        return style

    def _look(self, style: Any, look: Look) -> None:
        font, paragraph = style.font, style.paragraph_format
        if look.size is not None:
            font.size = Pt(round(look.size * self.scale * 2) / 2)
        for attribute in ("bold", "italic"):
            if getattr(look, attribute) is not None:
                setattr(font, attribute, getattr(look, attribute))
        if look.caps:
            font.all_caps = True
        if look.colour:
            colour(style.element.get_or_add_rPr(), *_slot(look.colour, self.scheme))
        if look.before is not None:
            paragraph.space_before = Pt(look.before)
        if look.after is not None:
            paragraph.space_after = Pt(look.after)
        if look.keep_next:
            paragraph.keep_with_next = True
        if look.page_break:
            paragraph.page_break_before = True
        if look.left_mm is not None:
            paragraph.left_indent = Mm(look.left_mm)
        ppr = style.element.get_or_add_pPr()
        if look.panel == "exercise":
            primary = self.scheme["accent1"]
            fill = tint(primary, 0.10)
            put_ppr(ppr, borders("w:pBdr", [border("left", primary, 24, 8, "accent1")]))
            put_ppr(ppr, shading(fill, "accent1", "1A"))
            inset = Mm(PANEL_INSET["Exercise"])
            paragraph.left_indent, paragraph.right_indent = inset, inset
        elif look.panel == "note":
            sides = [border(s, NOTE_RULE, 4, 4) for s in ("top", "left", "bottom", "right")]
            put_ppr(ppr, borders("w:pBdr", sides))
            put_ppr(ppr, shading(NOTE_FILL))
            inset = Mm(PANEL_INSET["Trainer Note"])
            paragraph.left_indent, paragraph.right_indent = inset, inset
        for old in ppr.findall(qn("w:pBdr")) if look.panel is None else ():
            ppr.remove(old)  # the template's rule under the title: none in the pack
        if style.name == "Quote":
            rule = border("left", self.scheme["accent3"], 24, 10, "accent3")
            put_ppr(ppr, borders("w:pBdr", [rule]))
        if style.name in ("Header", "Footer"):
            for old in ppr.findall(qn("w:tabs")):
                ppr.remove(old)  # the template's centre and right tabs, for Letter paper
            tabs = element("w:tabs")
            tabs.append(element("w:tab", val="right", pos=twips(TEXT_WIDTH_MM)))
            put_ppr(ppr, tabs)

    def _characters(self) -> None:
        label = self._style("Panel Label", WD_STYLE_TYPE.CHARACTER)
        label.font.bold, label.font.all_caps = True, True
        label.font.size = Pt(round(9 * self.scale * 2) / 2)
        colour(label.element.get_or_add_rPr(), *_slot("text2", self.scheme))
        link = self._style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.underline = True
        colour(link.element.get_or_add_rPr(), self.scheme["hlink"], "hyperlink")

    def _table(self) -> None:
        """``Course Table``: ruled rows, a shaded header row in the brand's tint."""
        style = self._style("Course Table", WD_STYLE_TYPE.TABLE)
        style.base_style = None
        node = style.element
        ppr = node.get_or_add_pPr()
        put_ppr(ppr, element("w:spacing", before=0, after=0, line=264, lineRule="auto"))
        tblpr = element("w:tblPr")
        lines = [border(side, RULE, 4, 0) for side in ("top", "bottom", "insideH")]
        tblpr.append(borders("w:tblBorders", lines))
        margins = element("w:tblCellMar")
        for side, mm in (("top", 1.5), ("left", 2.5), ("bottom", 1.5), ("right", 2.5)):
            margins.append(element(f"w:{side}", w=twips(mm), type="dxa"))
        tblpr.append(margins)
        put(node, tblpr, ("w:name", "w:basedOn", "w:qFormat", "w:pPr", "w:rPr", "w:tblPr"))
        header = element("w:tblStylePr", type="firstRow")
        rpr = element("w:rPr")
        rpr.append(element("w:b"))
        header.append(rpr)
        tcpr = element("w:tcPr")
        primary = self.scheme["accent1"]
        tcpr.append(borders("w:tcBorders", [border("bottom", primary, 12, 0, "accent1")]))
        tcpr.append(shading(tint(primary, 0.18), "accent1", "2E"))
        header.append(tcpr)
        node.append(header)


def link_list_styles(document: Any, bullets: int, numbers: int) -> None:
    """Tie the list styles to this document's numbering (``bullets`` and ``numbers``: the
    ids of its two lists), so that applying one in Word makes a real list; and untie every
    other style from numbering it does not have (a client's template names its own)."""
    levels = {"": 0, " 2": 1, " 3": 2}
    wanted = {f"list bullet{k}": (bullets, v) for k, v in levels.items()}
    wanted |= {f"list number{k}": (numbers, v) for k, v in levels.items()}
    for style in document.styles.element.iterfind(qn("w:style")):
        name = style.find(qn("w:name"))
        key = name.get(qn("w:val"), "").lower() if name is not None else ""
        ppr = style.find(qn("w:pPr"))
        if ppr is not None:
            for old in ppr.findall(qn("w:numPr")):
                ppr.remove(old)
        if key in wanted:
            num, level = wanted[key]
            ppr = style.get_or_add_pPr()
            numpr = element("w:numPr")
            numpr.append(element("w:ilvl", val=level))
            numpr.append(element("w:numId", val=num))
            put_ppr(ppr, numpr)


def set_language(document: Any, tag: str) -> None:
    """The proofing language of every paragraph (the default run properties) and of the
    theme's fonts."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = element("w:docDefaults")
        styles.insert(0, defaults)
    holder = defaults.find(qn("w:rPrDefault"))
    if holder is None:
        holder = element("w:rPrDefault")
        defaults.insert(0, holder)
    rpr = holder.find(qn("w:rPr"))
    if rpr is None:
        rpr = element("w:rPr")
        holder.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = element("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), tag)
        theme_lang.attrib.pop(qn("w:eastAsia"), None)
