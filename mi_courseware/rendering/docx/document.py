"""What every Word edition of an edition shares: its writer, brand, pages, contents field.

:func:`edition_document` sets up a :class:`~.writer.WordWriter` for an edition: the client's
Word template or the theme's styles, the brand's theme colours, the theme's font (named as
the deck names it, and described to Word as the sans-serif it is, so that a computer without
it shows a sans-serif rather than a serif), the proofing language, and headers and footers:
the logo large in the first page's header, small beside the running title on the others,
the client's name and the page number in the footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_courseware.core.edition import Edition
from mi_courseware.errors import ContentError
from mi_courseware.rendering.document import DocumentSetup, document_setup
from mi_courseware.rendering.docx import ooxml
from mi_courseware.rendering.docx.markdown import MarkdownWriter, TextSetup
from mi_courseware.rendering.docx.pictures import Font, fenced, picture
from mi_courseware.rendering.docx.writer import WordWriter
from mi_courseware.rendering.office_theme import colour_scheme


@dataclass
class EditionDocument:
    """A Word document of an edition being written: the writer, its Markdown writer, the
    theme's setup, and the Heading 1 titles so far (for the contents)."""

    edition: Edition
    setup: DocumentSetup
    w: WordWriter
    md: MarkdownWriter
    chapters: list[str]
    #: The paragraph the contents' entries go before (until they are written).
    contents: Any = None
    #: The proofing language (``en-GB``).
    language: str = "en-GB"
    #: The build's clock: the document's dates.
    when: Any = None

    def t(self, key: str, **values: object) -> str:
        """The theme's wording in the edition's language."""
        return self.setup.t(key, **values)

    def chapter(self, title: str) -> Any:
        """A Heading 1 (a new page, an entry of the contents)."""
        self.chapters.append(title)
        return self.w.heading(title, 1)

    def text(
        self,
        text: str | None,
        source: Path,
        line: int = 1,
        *,
        worksheet: bool = False,
        panel: str | None = None,
    ) -> None:
        """Course Markdown at the document's end (inside ``panel`` when given)."""
        self.md.write(text, source, line, worksheet, panel)

    def table_of_contents(self) -> None:
        """The contents: a TOC field (Word's References > Update Table fills in the page
        numbers), showing the chapters until it is updated."""
        self.w.para(self.t("contents"), "TOC Heading")
        self.contents = self.w.para("", "Normal")

    def finish_contents(self) -> None:
        """Fill the contents field's shown result with the chapters written."""
        holder = self.contents
        if holder is None:
            return
        entries = [holder.insert_paragraph_before(title, "toc 1") for title in self.chapters]
        entries = entries or [holder.insert_paragraph_before("", "toc 1")]
        first, last = entries[0]._p, entries[-1]._p
        starts = [ooxml.element("w:r") for _ in range(3)]
        starts[0].append(ooxml.element("w:fldChar", fldCharType="begin"))
        code = ooxml.element("w:instrText")
        code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        code.text = ' TOC \\o "1-1" \\h \\z \\u '
        starts[1].append(code)
        starts[2].append(ooxml.element("w:fldChar", fldCharType="separate"))
        ppr = first.pPr
        for run in reversed(starts):
            ppr.addnext(run)
        end = ooxml.element("w:r")
        end.append(ooxml.element("w:fldChar", fldCharType="end"))
        last.append(end)
        holder._p.getparent().remove(holder._p)

    def save(self, path: Path, title: str) -> None:
        """Check, set the properties and write the file."""
        self.md.check()
        edition = self.edition
        brand = edition.brand
        self.finish_contents()
        self.w.properties(
            title,
            brand.name or "mi-courseware",
            edition.course_title,
            ", ".join(u.ref for u in edition.units),
            self.language,
            self.when,
        )
        self.w.save(path, self.when)


def _font(edition: Edition, setup: DocumentSetup) -> tuple[str, Font, str]:
    """The theme's font: its name, where its upright face is (for drawing diagrams' words)
    and its PANOSE description."""
    from mi_courseware.loading.themes import find_theme_file

    if edition.slides is None:
        raise ContentError.single(
            edition.sources[0],
            f"theme '{edition.theme}' names no checked font (slides/layouts.yaml); run "
            "'mi-courseware validate' for the details",
        )
    spec = edition.slides.font
    path = find_theme_file(edition.theme, edition.theme_dirs, spec.files.regular, None)
    path = fenced(path, setup.allowed, edition.sources[0])
    return spec.name, Font(path.parent, spec.name), _panose(path)


def _panose(path: Path) -> str:
    """The font's PANOSE classification as Word's font table writes it (ten hex bytes)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        panose = font["OS/2"].panose
        values = (
            panose.bFamilyType,
            panose.bSerifStyle,
            panose.bWeight,
            panose.bProportion,
            panose.bContrast,
            panose.bStrokeVariation,
            panose.bArmStyle,
            panose.bLetterForm,
            panose.bMidline,
            panose.bXHeight,
        )
    return "".join(f"{value:02X}" for value in values)


def edition_document(edition: Edition, *, facilitator: bool, when: Any) -> EditionDocument:
    """A new Word document for ``edition``, branded and styled (see the module)."""
    from mi_courseware.loading.languages import language
    from mi_courseware.loading.word import ReferenceError, read_reference

    setup = document_setup(edition)
    name, font, panose = _font(edition, setup)
    styles = None
    if edition.word_template is not None:
        try:
            styles = read_reference(edition.word_template).styles
        except ReferenceError as exc:
            raise ContentError.single(edition.word_template, f"this Word template {exc}") from None
    colours = edition.brand.colours
    scheme = colour_scheme(colours.primary, colours.secondary, colours.accent)
    tag = language(list(edition.theme_dirs), edition.language).tag
    body = float(str(setup.options.get("docx_body_size", 11)))
    writer = WordWriter(scheme, name, tag, body, styles, panose)
    scale = float(str(setup.options.get("diagram_text_scale", 1.0)))
    look = TextSetup(setup.t, setup.palette, setup.allowed, font, facilitator, scale)
    document = EditionDocument(edition, setup, writer, MarkdownWriter(writer, look), [])
    document.language, document.when = tag, when
    _pages(document, font)
    return document


def _pages(document: EditionDocument, font: Font) -> None:
    """Headers and footers: the logo large on the first page, small on the others beside
    the running title; the client's name and the page number below."""
    edition, w = document.edition, document.w
    brand = edition.brand
    section = w.doc.sections[0]
    section.different_first_page_header_footer = True
    logo = None
    if brand.logo is not None:
        logo = picture(fenced(brand.logo, document.setup.allowed, edition.sources[0]), 95, font)
    header = section.header.paragraphs[0]
    header.style = w.doc.styles["Header"]
    header.add_run(edition.title)
    footer = section.footer.paragraphs[0]
    footer.style = w.doc.styles["Footer"]
    footer.add_run(f"{brand.name}\t" if brand.name else "\t")
    ooxml.field(footer, "PAGE", "1")
    if logo is not None:
        header.add_run("\t")
        w.picture(logo.data, min(45.0, 8 * logo.aspect), brand.logo_alt, header)
        first = section.first_page_header.paragraphs[0]
        first.style = w.doc.styles["Header"]
        w.picture(logo.data, min(95.0, 25 * logo.aspect), brand.logo_alt, first)
