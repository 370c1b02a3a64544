"""Writing fitted slides into the branded template package: slides, notes, footers, pictures.

Every slide has its title in the title placeholder, its text in the layout's placeholders,
an explicit footer (client and course) and slide number (python-pptx issue #658: footer
placeholders are not inherited by slides), and a notes slide. Pictures carry their
alternative text in ``descr``; the logo sits on the master, so every slide shows it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from mi_courseware.rendering.pptx import diagrams
from mi_courseware.rendering.pptx.fitting import Metrics
from mi_courseware.rendering.pptx.images import Picture
from mi_courseware.rendering.pptx.ooxml import (
    NAMESPACES,
    NS_P,
    NS_R,
    XML_HEAD,
    Box,
    Para,
    emu,
    esc,
    group_start,
    para_xml,
    picture,
    placeholder,
    solid,
    xfrm,
)
from mi_courseware.rendering.pptx.package import CT, RT, relative, resolve
from mi_courseware.rendering.pptx.placing import CELL_MARGIN
from mi_courseware.rendering.pptx.properties import complete
from mi_courseware.rendering.pptx.spec import FittedSlide, FittedText
from mi_courseware.rendering.pptx.template import Template, TextStyle
from mi_courseware.rendering.pptx.wording import Wording

_CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_APP_REL = f"{RT['theme'].rsplit('/', 1)[0]}/extended-properties"
_NUMBER_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"
_LOGO_BOX = (emu(0.42), emu(2.7))  # height and widest of the logo on the master's footer line


def fit_picture(picture_: Picture, box: Box, align_right: bool = False) -> Box:
    """The largest box of the picture's aspect inside ``box`` (top-left, or right-aligned)."""
    width = min(box.w, round(box.h * picture_.aspect))
    height = round(width / picture_.aspect)
    x = box.right - width if align_right else box.x
    return Box(x, box.y + (box.h - height) // 2 if align_right else box.y, width, height)


class DeckWriter:
    """Adds slides to a branded template and saves the deck."""

    def __init__(
        self,
        template: Template,
        colours: dict[str, str],
        metrics: Metrics,
        wording: Wording,
        footer: str,
    ) -> None:
        self.template = template
        self.package = template.package
        self.colours = colours
        self.metrics = metrics
        self.wording = wording
        self.footer = footer
        self.slide_ids: list[str] = []
        self._media: dict[str, str] = {}

    # pictures -----------------------------------------------------------------------------
    def media(self, picture_: Picture) -> str:
        """The part name of a picture, adding it once."""
        digest = hashlib.sha1(picture_.data).hexdigest()
        if digest not in self._media:
            name = f"ppt/media/image{len(self._media) + 1}.{picture_.extension}"
            self.package.add(name, picture_.data)
            self.package.add_default(picture_.extension, picture_.content_type)
            self._media[digest] = name
        return self._media[digest]

    def add_master_logo(self, logo: Picture, alt: str) -> None:
        """The logo on the master's footer line, right-aligned: on every slide."""
        master = self.template.master
        rel = self.package.rels(master).add(RT["image"], relative(master, self.media(logo)))
        height, widest = _LOGO_BOX
        number = self.template.number
        top = number.box.y if number else emu(6.95)
        right = emu(12.58)
        where = fit_picture(
            logo,
            Box(right - widest, top + (emu(0.38) - height) // 2, widest, height),
            align_right=True,
        )
        self.package.parts[master] = append_shapes(
            self.package.parts[master], picture(900, "Logo", alt, rel, where)
        )

    # slides -------------------------------------------------------------------------------
    def add(self, slide: FittedSlide, image: Picture | None = None) -> None:
        """Write one slide and its notes slide (``image``: the picture ``slide.image`` names)."""
        number = len(self.slide_ids) + 1
        name = f"ppt/slides/slide{number}.xml"
        notes_name = f"ppt/notesSlides/notesSlide{number}.xml"
        layout = self.template.layout(slide.layout)
        rels = self.package.rels(name)
        rels.add(RT["layout"], relative(name, layout.part))
        rels.add(RT["notes"], relative(name, notes_name))
        lang = slide.lang
        shapes: list[str] = []
        next_id = 2

        def links_for(paras: list[Para]) -> dict[str, str]:
            found = {}
            for para in paras:
                for run in para.runs:
                    if run.link:
                        found[run.link] = rels.add(RT["hyperlink"], run.link, external=True)
            return found

        title_ph = layout.placeholders["title"]
        shapes.append(
            self._text_shape(next_id, "Title", title_ph.ph_xml(), slide.title, None, lang, {})
        )
        next_id += 1
        for role, ph in layout.placeholders.items():
            fitted = slide.text.get(role)
            if role == "title" or fitted is None:
                continue
            shapes.append(
                self._text_shape(
                    next_id,
                    role.replace("_", " ").capitalize(),
                    ph.ph_xml(),
                    fitted,
                    fitted.box,
                    lang,
                    links_for(fitted.paras),
                    ph.style,
                )
            )
            next_id += 1
        picture_role = next((r for r in ("logo", "picture") if r in layout.placeholders), None)
        if slide.image is not None and image is not None and picture_role is not None:
            role = picture_role
            ph = layout.placeholders[role]
            rel = rels.add(RT["image"], relative(name, self.media(image)))
            shapes.append(
                picture(
                    next_id,
                    role.capitalize(),
                    slide.image.alt,
                    rel,
                    fit_picture(image, ph.box),
                    ph.ph_xml(),
                )
            )
            next_id += 1
        if slide.diagram is not None:
            area = slide.boxes.get("area") or layout.placeholders["area"].box
            xml, next_id = diagrams.draw(
                slide.diagram, area, self.colours, self.wording, self.metrics, next_id
            )
            shapes.append(xml)
        if slide.table is not None:
            shapes.append(
                self._table(next_id, slide, layout.placeholders["table"], lang, links_for)
            )
            next_id += 1
        if slide.footer:
            shapes.append(self._footer(next_id, number, lang))
            next_id += 2
        xml = (
            f"{XML_HEAD}<p:sld {NAMESPACES}><p:cSld>{group_start()}{''.join(shapes)}"
            "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
        )
        self.package.add(name, xml.encode("utf-8"), CT["slide"])
        self._notes(notes_name, name, slide.notes, lang)
        self.slide_ids.append(
            self.package.rels("ppt/presentation.xml").add(
                RT["slide"], relative("ppt/presentation.xml", name)
            )
        )

    def _text_shape(
        self,
        shape_id: int,
        name: str,
        ph: str,
        fitted: FittedText,
        box: Box | None,
        lang: str,
        links: dict[str, str],
        style: TextStyle | None = None,
    ) -> str:
        body = "".join(
            para_xml(
                p,
                fitted.size,
                lang,
                links,
                style.level_scale(p.level) if style is not None else 1.0,
            )
            for p in fitted.paras
        )
        return placeholder(shape_id, name, ph, body, box)

    def _footer(self, shape_id: int, number: int, lang: str) -> str:
        footer = (
            f'<a:p><a:r><a:rPr lang="{lang}" dirty="0"/><a:t>{esc(self.footer)}</a:t></a:r></a:p>'
        )
        slide_number = (
            f'<a:p><a:fld id="{_NUMBER_FIELD}" type="slidenum"><a:rPr lang="{lang}"/>'
            f"<a:t>{number}</a:t></a:fld></a:p>"
        )
        return placeholder(
            shape_id, "Footer", '<p:ph type="ftr" sz="quarter" idx="11"/>', footer
        ) + placeholder(
            shape_id + 1,
            "Slide number",
            '<p:ph type="sldNum" sz="quarter" idx="12"/>',
            slide_number,
        )

    def _table(self, shape_id: int, slide: FittedSlide, ph, lang: str, links_for) -> str:  # type: ignore[no-untyped-def]
        table = slide.table
        assert table is not None
        size = slide.table_size
        widths = slide.table_widths
        head_fill, head_text = self.colours["band_primary"], self.colours["band_primary_text"]
        stripe = self.colours["lt2"]
        rule = self.colours["rule"]
        grid = "".join(f'<a:gridCol w="{w}"/>' for w in widths)
        rows = []
        for index, (cells, height) in enumerate(
            zip((table.header, *table.rows), slide.table_heights, strict=False)
        ):
            header = index == 0
            muted = (index - 1) in table.muted_rows
            fill = head_fill if header else (stripe if index % 2 == 0 else "#ffffff")
            out = []
            for cell in list(cells) + [Para(())] * (len(widths) - len(cells)):
                runs = tuple(
                    type(r)(
                        r.text,
                        r.bold or header,
                        r.italic or muted,
                        r.code,
                        r.strike,
                        r.link,
                        head_text if header else ("#595959" if muted else None),
                    )
                    for r in cell.runs
                )
                body = para_xml(
                    cell.with_runs(runs),
                    size,
                    lang,
                    links_for([cell]),
                    line=self.template.styles["table"].line,
                )
                borders = "".join(
                    f'<a:{side} w="6350">{solid(rule)}</a:{side}>'
                    for side in ("lnL", "lnR", "lnT", "lnB")
                )
                out.append(
                    f"<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>{body}</a:txBody>"
                    f'<a:tcPr marL="{CELL_MARGIN[0]}" marR="{CELL_MARGIN[0]}" '
                    f'marT="{CELL_MARGIN[1]}" marB="{CELL_MARGIN[1]}">{borders}'
                    f"{solid(fill)}</a:tcPr></a:tc>"
                )
            rows.append(f'<a:tr h="{height}">{"".join(out)}</a:tr>')
        where = Box(ph.box.x, ph.box.y, sum(widths), sum(slide.table_heights))
        return (
            f'<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="{shape_id}" name="Table"/>'
            '<p:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr>'
            f"<p:nvPr>{ph.ph_xml()}</p:nvPr></p:nvGraphicFramePr>{xfrm(where, 'p:xfrm')}"
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/'
            f'2006/table"><a:tbl><a:tblPr firstRow="1" bandRow="1"/><a:tblGrid>{grid}'
            f"</a:tblGrid>{''.join(rows)}</a:tbl></a:graphicData></a:graphic>"
            "</p:graphicFrame>"
        )

    def _notes(self, name: str, slide: str, notes: list[Para], lang: str) -> None:
        master = self.package.rels("ppt/presentation.xml").of_type(RT["notes_master"])
        rels = self.package.rels(name)
        rels.add(
            RT["notes_master"], relative(name, resolve("ppt/presentation.xml", master[0].target))
        )
        rels.add(RT["slide"], relative(name, slide))
        body = (
            "".join(para_xml(p, None, lang) for p in notes)
            or f'<a:p><a:endParaRPr lang="{lang}"/></a:p>'
        )
        xml = (
            f"{XML_HEAD}<p:notes {NAMESPACES}><p:cSld>{group_start()}"
            '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide image"/><p:cNvSpPr><a:spLocks '
            'noGrp="1" noRot="1" noChangeAspect="1"/></p:cNvSpPr><p:nvPr><p:ph '
            'type="sldImg"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp>'
            + placeholder(3, "Notes", '<p:ph type="body" idx="3"/>', body)
            + "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"
        )
        self.package.add(name, xml.encode("utf-8"), CT["notes"])

    # saving -------------------------------------------------------------------------------
    def save(self, path, when: datetime, title: str, author: str) -> None:  # type: ignore[no-untyped-def]
        """Finish presentation.xml and the document properties; write reproducibly."""
        self.package.parts["ppt/presentation.xml"] = slide_list(
            self.package.parts["ppt/presentation.xml"], self.slide_ids
        )
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        core = (
            f'{XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/'
            '1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/'
            f'2001/XMLSchema-instance"><dc:title>{esc(title)}</dc:title><dc:creator>'
            f"{esc(author)}</dc:creator><cp:lastModifiedBy>mi-courseware</cp:lastModifiedBy>"
            f"<cp:revision>1</cp:revision><cp:lastPrinted>{stamp}</cp:lastPrinted>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>"
        )
        app = (
            f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
            '2006/extended-properties"><Application>mi-courseware</Application>'
            f"<Slides>{len(self.slide_ids)}</Slides></Properties>"
        )
        self.package.add(
            "docProps/core.xml",
            core.encode("utf-8"),
            "application/vnd.openxmlformats-package.core-properties+xml",
        )
        self.package.add(
            "docProps/app.xml",
            app.encode("utf-8"),
            "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        )
        root = self.package.rels("")
        root.add(_CORE_REL, "docProps/core.xml")
        root.add(_APP_REL, "docProps/app.xml")
        complete(self.package)  # presProps, viewProps, tableStyles: PowerPoint repairs without
        self.package.save(path, when)


def append_shapes(part: bytes, shapes: str) -> bytes:
    """A slide, layout or master part with ``shapes`` (our fragment) added to its shape tree."""
    from lxml import etree

    tree = etree.fromstring(part)
    target = tree.find(f"{{{NS_P}}}cSld/{{{NS_P}}}spTree")
    if target is None:
        raise ValueError("a part without a shape tree (p:cSld/p:spTree)")
    for shape in etree.fromstring(f"<p:group {NAMESPACES}>{shapes}</p:group>"):
        target.append(shape)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


#: Children of p:presentation that come before p:sldIdLst (ECMA-376 Part 1, 19.2.1.26).
_BEFORE_SLIDES = ("sldMasterIdLst", "notesMasterIdLst", "handoutMasterIdLst")


def slide_list(part: bytes, relationship_ids: list[str]) -> bytes:
    """``presentation.xml`` with one slide list of the given slides, in schema order."""
    from lxml import etree

    tree = etree.fromstring(part)
    for old in tree.findall(f"{{{NS_P}}}sldIdLst"):
        tree.remove(old)
    listing = etree.Element(f"{{{NS_P}}}sldIdLst")
    for number, rid in enumerate(relationship_ids):
        item = etree.SubElement(listing, f"{{{NS_P}}}sldId", id=str(256 + number))
        item.set(f"{{{NS_R}}}id", rid)
    before = [c for c in tree if etree.QName(c).localname in _BEFORE_SLIDES]
    tree.insert(tree.index(before[-1]) + 1 if before else 0, listing)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
