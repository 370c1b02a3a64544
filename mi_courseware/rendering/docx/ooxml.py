"""WordprocessingML that python-docx has no API for, made on its own element tree.

Shading, borders, fields (the contents, page numbers, links), repeated table headers, cell
heights and widths: each is an element python-docx's ``OxmlElement`` makes and the library's
tree holds, never text spliced into XML.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

#: Twentieths of a point per millimetre.
TWIPS_PER_MM = 1440 / 25.4

#: Elements of ``w:pPr`` in the order the schema wants them (those this writer sets).
_PPR_ORDER = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:numPr",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:jc",
    "w:outlineLvl",
)
_TCPR_ORDER = ("w:tcW", "w:gridSpan", "w:vMerge", "w:tcBorders", "w:shd", "w:vAlign")


def twips(mm: float) -> int:
    """Millimetres in twentieths of a point."""
    return round(mm * TWIPS_PER_MM)


def element(tag: str, **attributes: str | int) -> Any:
    """A new ``w:`` element with ``w:`` attributes."""
    made = OxmlElement(tag)
    for key, value in attributes.items():
        made.set(qn(f"w:{key}"), str(value))
    return made


def put(parent: Any, child: Any, order: tuple[str, ...]) -> Any:
    """Put ``child`` into ``parent`` where ``order`` says, replacing one of its kind."""
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    names = [qn(name) for name in order]
    rank = names.index(tag) if tag in names else len(names)
    for index, sibling in enumerate(parent):
        if sibling.tag in names and names.index(sibling.tag) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def put_ppr(ppr: Any, child: Any) -> Any:
    """Put ``child`` into a paragraph's (or a paragraph style's) properties."""
    return put(ppr, child, _PPR_ORDER)


def put_tcpr(tcpr: Any, child: Any) -> Any:
    """Put ``child`` into a table cell's properties."""
    return put(tcpr, child, _TCPR_ORDER)


def shading(fill: str, theme: str | None = None, tint: str | None = None) -> Any:
    """A ``w:shd`` filling with ``fill`` (``#rrggbb``), tied to a theme colour when given so
    that a new colour scheme in Word carries over."""
    shd = element("w:shd", val="clear", color="auto", fill=fill.lstrip("#").upper())
    if theme:
        shd.set(qn("w:themeFill"), theme)
        if tint:
            shd.set(qn("w:themeFillTint"), tint)
    return shd


def border(side: str, colour: str, eighths: int, space: int = 4, theme: str | None = None) -> Any:
    """One border line (``eighths``: its width in eighths of a point)."""
    line = element(
        f"w:{side}", val="single", sz=eighths, space=space, color=colour.lstrip("#").upper()
    )
    if theme:
        line.set(qn("w:themeColor"), theme)
    return line


def borders(tag: str, lines: Iterable[Any]) -> Any:
    """A ``w:pBdr`` or ``w:tblBorders`` (``tag``) holding ``lines`` in schema order."""
    holder = element(tag)
    order = ("top", "left", "start", "bottom", "right", "end", "between", "insideH", "insideV")
    for line in sorted(lines, key=lambda e: order.index(e.tag.rpartition("}")[2])):
        holder.append(line)
    return holder


def colour(rpr: Any, hex_colour: str, theme: str | None = None) -> None:
    """Set a run's (or a style's) colour, tied to a theme colour when given."""
    made = element("w:color", val=hex_colour.lstrip("#").upper())
    if theme:
        made.set(qn("w:themeColor"), theme)
    order = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:strike",
             "w:color", "w:spacing", "w:sz", "w:szCs", "w:u", "w:lang")  # fmt: skip
    put(rpr, made, order)


def _field_start(instruction: str) -> tuple[Any, Any, Any]:
    """The three runs that open a field: its beginning, its code and the separator after
    which the result Word shows until it updates the field."""
    begin = element("w:r")
    begin.append(element("w:fldChar", fldCharType="begin"))
    code = element("w:r")
    text = element("w:instrText")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = f" {instruction} "
    code.append(text)
    separate = element("w:r")
    separate.append(element("w:fldChar", fldCharType="separate"))
    return begin, code, separate


def _field_end() -> Any:
    """The run that closes a field."""
    end = element("w:r")
    end.append(element("w:fldChar", fldCharType="end"))
    return end


def field(paragraph: Any, instruction: str, shown: str = "") -> None:
    """A field in ``paragraph``: its code and the result shown until Word updates it."""
    p = paragraph._p
    for made in _field_start(instruction):
        p.append(made)
    if shown:
        paragraph.add_run(shown)
    p.append(_field_end())


def link_runs(paragraph: Any, url: str, runs: list[Any]) -> None:
    """Make ``runs`` (the last ones of ``paragraph``) the shown result of a HYPERLINK field:
    a link that opens when clicked, with no relationship to anything outside the file."""
    if not runs:
        return
    first = runs[0]._r
    for made in _field_start(f'HYPERLINK "{url}"'):
        first.addprevious(made)
    paragraph._p.append(_field_end())


def repeat_header(row: Any) -> None:
    """Repeat a table's first row at the top of every page it runs onto, and keep rows
    whole."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(element("w:cantSplit"))
    trpr.append(element("w:tblHeader"))


def keep_whole(row: Any) -> None:
    """Never split a row across pages."""
    row._tr.get_or_add_trPr().append(element("w:cantSplit"))


def cell_shading(cell: Any, fill: str, theme: str | None = None, tint: str | None = None) -> None:
    """Fill a table cell."""
    put_tcpr(cell._tc.get_or_add_tcPr(), shading(fill, theme, tint))


def cell_borders(cell: Any, lines: Iterable[Any]) -> None:
    """Draw borders round one table cell."""
    put_tcpr(cell._tc.get_or_add_tcPr(), borders("w:tcBorders", lines))


def middle(cell: Any) -> None:
    """Centre a cell's content vertically."""
    put_tcpr(cell._tc.get_or_add_tcPr(), element("w:vAlign", val="center"))


def table_look(table: Any, header: bool) -> None:
    """Which parts of the table style apply: the header row only when there is one."""
    tblpr = table._tbl.tblPr
    for old in tblpr.findall(qn("w:tblLook")):
        tblpr.remove(old)
    tblpr.append(
        element(
            "w:tblLook",
            val="04A0" if header else "0400",
            firstRow=int(header),
            lastRow=0,
            firstColumn=0,
            lastColumn=0,
            noHBand=1,
            noVBand=1,
        )
    )


def table_description(table: Any, caption: str, description: str) -> None:
    """A table's alternative text (its title and description in Word's Alt Text pane)."""
    tblpr = table._tbl.tblPr
    tblpr.append(element("w:tblCaption", val=caption))
    tblpr.append(element("w:tblDescription", val=description))


def fixed_widths(table: Any, widths_mm: list[float]) -> None:
    """Columns of these widths, kept as set (not fitted to their text by the viewer)."""
    from docx.shared import Mm

    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)
