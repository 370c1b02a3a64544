"""One Word document in the making: python-docx's package, branded, and saved reproducibly.

:class:`WordWriter` starts from python-docx's own template (the parts a document saved by
Word has: styles, numbering, settings, web settings, fonts, theme, properties), leaves out
the two that would mislead (a Word 2010 copy of the styles that no longer matches them, and
a thumbnail of another document), sets the theme's styles or the client's, the brand's theme
colours and fonts, the proofing language and A4 pages, and writes paragraphs, tables and
pictures with named styles. :meth:`WordWriter.save` writes the package with every zip entry
dated by the build's clock (``SOURCE_DATE_EPOCH``) in a fixed order, so the same inputs give
the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Mm

from mi_courseware.rendering.docx import ooxml
from mi_courseware.rendering.docx.numbering import Lists
from mi_courseware.rendering.docx.styles import StyleMaker, link_list_styles, set_language
from mi_courseware.rendering.office_theme import brand_theme_tree
from mi_courseware.rendering.pptx.package import _zip_time

#: Characters XML cannot hold (control characters, lone surrogates): left out of text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_EXTENDED = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
#: The pack's page margins (millimetres): top, right, bottom, left, as in the PDF.
MARGINS = (24, 18, 20, 22)


def clean(text: str) -> str:
    """``text`` without the characters a Word document cannot hold."""
    return _NOT_XML.sub("", text)


class WordWriter:
    """A Word document for one edition, in its theme's (or client's) styles and brand."""

    def __init__(
        self,
        scheme: dict[str, str],
        font: str,
        language: str,
        body_size: float,
        client_styles: bytes | None = None,
        panose: str = "020B0606030504020204",
    ) -> None:
        self.doc = docx.Document()
        #: Pictures still being drawn, and where they go (:meth:`picture_later`).
        self.later: list[tuple[Callable[[], bytes], float, str, Any]] = []
        self._leave_out()
        self._theme(scheme, font, panose)
        if client_styles is None:
            StyleMaker(self.doc, scheme, body_size).make()
        else:
            self.doc.part._styles_part._element = parse_xml(client_styles)
        self.lists = Lists(self.doc)
        link_list_styles(self.doc, self.lists.bullets, self.lists.numbers)
        set_language(self.doc, language)
        self._ids: dict[str, str] = {}
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        top, right, bottom, left = MARGINS
        section.top_margin, section.right_margin = Mm(top), Mm(right)
        section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
        section.header_distance = section.footer_distance = Mm(10)
        self.body: Any = self.doc

    # -- the package -------------------------------------------------------------------
    def _leave_out(self) -> None:
        part = self.doc.part
        for rid, rel in list(part.rels.items()):
            if rel.reltype == _STYLES_WITH_EFFECTS:
                part.rels.pop(rid)
        package = part.package
        for rid, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                package.rels.pop(rid)

    def _theme(self, scheme: dict[str, str], font: str, panose: str) -> None:
        from lxml import etree

        theme = self.doc.part.part_related_by(RT.THEME)
        tree = etree.fromstring(theme.blob)
        brand_theme_tree(tree, scheme, font)
        theme._blob = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
        fonts = self.doc.part.part_related_by(RT.FONT_TABLE)
        self._font_table(fonts, font, panose)

    def _font_table(self, part: Any, font: str, panose: str) -> None:
        """Name the theme's font in the font table as a sans-serif face, so that a computer
        without it shows a sans-serif in its place (Word chooses by this description)."""
        from lxml import etree

        tree = etree.fromstring(part.blob)
        made = ooxml.element("w:font", name=font)
        made.append(ooxml.element("w:panose1", val=panose))
        made.append(ooxml.element("w:charset", val="00"))
        made.append(ooxml.element("w:family", val="swiss"))
        made.append(ooxml.element("w:pitch", val="variable"))
        tree.append(etree.fromstring(etree.tostring(made)))
        part._blob = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)

    def properties(
        self, title: str, author: str, subject: str, keywords: str, language: str, when: datetime
    ) -> None:
        """The document's properties: its title, the client as author, the course as
        subject, dated by the build."""
        core = self.doc.core_properties
        core.title, core.author, core.subject = clean(title), clean(author), clean(subject)
        core.keywords, core.language = clean(keywords), language
        core.comments, core.last_modified_by, core.category = "", "", ""
        core.revision = 1
        stamp = when.replace(tzinfo=None, microsecond=0)
        core.created = core.modified = stamp
        self._app_properties()

    def _app_properties(self) -> None:
        from lxml import etree

        for rel in self.doc.part.package.rels.values():
            if rel.reltype == RT.EXTENDED_PROPERTIES:
                part = rel.target_part
                tree = etree.fromstring(part.blob)
                application = tree.find(f"{_EXTENDED}Application")
                if application is not None:
                    application.text = "mi-courseware"
                part._blob = etree.tostring(
                    tree, xml_declaration=True, encoding="UTF-8", standalone=True
                )

    def save(self, path: Path, when: datetime) -> None:
        """Write the document, every zip entry dated ``when``, in python-docx's order."""
        for png, width_mm, alt, paragraph in self.later:  # in the order they were asked for
            self.picture(png(), width_mm, alt, paragraph)
        self.later.clear()
        self._picture_ids()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        stamp = _zip_time(when)
        with zipfile.ZipFile(buffer) as made, zipfile.ZipFile(path, "w") as out:
            for info in made.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=stamp)
                stored = info.filename.startswith("word/media/")
                entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                entry.create_system = 3
                out.writestr(entry, made.read(info), compresslevel=6)

    def _picture_ids(self) -> None:
        """Number the pictures of the body, headers and footers as one sequence: python-docx
        numbers each part's own from 1, and Word wants every drawing's id unique."""
        from docx.opc.part import XmlPart

        parts = [p for p in self.doc.part.package.iter_parts() if isinstance(p, XmlPart)]
        ident = 0
        for part in sorted(parts, key=lambda p: str(p.partname)):
            for properties in part.element.iter(qn("wp:docPr")):
                ident += 1
                properties.set("id", str(ident))

    # -- text ----------------------------------------------------------------------------
    def style_id(self, name: str) -> str:
        """The id of the paragraph style ``name`` (looked up once)."""
        found = self._ids.get(name)
        if found is None:
            found = self._ids[name] = self.doc.styles[name].style_id
        return found

    def para(self, text: str = "", style: str = "Normal", within: Any = None) -> Any:
        """A new paragraph of ``style`` at the end of ``within`` (the body, or a cell)."""
        where = self.body if within is None else within
        paragraph = where.add_paragraph()
        paragraph._p.get_or_add_pPr().style = self.style_id(style)
        if text:
            paragraph.add_run(clean(text))
        return paragraph

    def heading(self, text: str, level: int, within: Any = None) -> Any:
        """A heading (Heading 1-4) that Word's navigation pane and contents show."""
        return self.para(text, f"Heading {max(1, min(level, 4))}", within)

    def label(self, text: str, panel: str | None = None, within: Any = None) -> Any:
        """A small label above something (``Exercise``, ``Trainer notes``): a ``Label``
        paragraph, or in a panel its own paragraph style with the ``Panel Label`` look."""
        if panel is None:
            return self.para(text, "Label", within)
        paragraph = self.para("", panel, within)
        run = paragraph.add_run(clean(text))
        run.style = self.doc.styles["Panel Label"]
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    # -- tables --------------------------------------------------------------------------
    def table(
        self,
        rows: list[list[str]],
        widths_mm: list[float],
        header: bool = True,
        style: str | None = "Course Table",
        within: Any = None,
    ) -> Any:
        """A Word table of plain text cells; the first row a header repeated on every page
        it runs onto."""
        where = self.body if within is None else within
        columns = max(len(row) for row in rows)
        table = where.add_table(rows=len(rows), cols=columns)
        if style is not None:
            table.style = self.doc.styles[style]
        ooxml.table_look(table, header)
        for index, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
            if index == 0 and header:
                ooxml.repeat_header(row)
            else:
                ooxml.keep_whole(row)
            for cell, value in zip(row.cells, values, strict=False):
                self.fill(cell, value)
        ooxml.fixed_widths(table, widths_mm)
        return table

    def fill(self, cell: Any, text: str, style: str = "Normal") -> Any:
        """Put ``text`` into a new cell's paragraph."""
        paragraph = cell.paragraphs[0]
        paragraph._p.get_or_add_pPr().style = self.style_id(style)
        if text:
            paragraph.add_run(clean(text))
        return paragraph

    def writing_rows(self, count: int, height_mm: float, within: Any = None) -> Any:
        """Space to write: ``count`` rows of a fixed height, ruled below (one row with a
        box round it when ``count`` is 1), that print as they are whatever is typed above."""
        where = self.body if within is None else within
        table = where.add_table(rows=count, cols=1)
        ooxml.table_look(table, False)
        rule = "#8d949c"
        for row in table.rows:
            row.height = Mm(height_mm)
            row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
            ooxml.keep_whole(row)
            cell = row.cells[0]
            sides = ("bottom",) if count > 1 else ("top", "left", "bottom", "right")
            ooxml.cell_borders(cell, [ooxml.border(side, rule, 5, 0) for side in sides])
            self.fill(cell, "")
        ooxml.fixed_widths(table, [165.0])
        self.para("", "Normal", within).paragraph_format.space_after = 0
        return table

    # -- pictures ------------------------------------------------------------------------
    def picture_later(
        self, png: Callable[[], bytes], width_mm: float, alt: str, paragraph: Any
    ) -> None:
        """A picture still being drawn, put at the end of ``paragraph`` when the document is
        saved (:meth:`picture`)."""
        self.later.append((png, width_mm, alt, paragraph))

    def picture(self, data: bytes, width_mm: float, alt: str, paragraph: Any) -> None:
        """A picture at the end of ``paragraph``, ``width_mm`` wide, with its alt text."""
        run = paragraph.add_run()
        shape = run.add_picture(io.BytesIO(data), width=Mm(width_mm))
        properties = shape._inline.docPr
        properties.set("descr", clean(alt))
        properties.set("title", clean(alt)[:250])


def first_cell_empty(cell: Any) -> None:
    """Remove a cell's first paragraph when it was left empty and others follow."""
    paragraphs = cell.paragraphs
    if (
        len(paragraphs) > 1
        and not paragraphs[0].text
        and not paragraphs[0]._p.xpath(".//w:drawing")
    ):
        cell._tc.remove(paragraphs[0]._p)
