"""Certificates as two layers: the shared design, rendered once, and each person's text.

The template is rendered once per run with the personal elements (name, number and code)
laid out but hidden. WeasyPrint still tags them, with empty marked content, so the structure
tree has a place for them. That page becomes the shared objects of every certificate,
serialised once (:class:`Shared`). The personal layer, the template with only the personal
elements, is rendered in batches; each page's content is cut out, pointed at fixed font
subsets (:mod:`.fonts`), given MCIDs after the shared ones, and written with a vector QR code
as that certificate's file (:mod:`.assemble`). Anything this path cannot vouch for (a glyph
outside the fixed fonts, a structure it does not recognise) is rendered as a whole page
instead, by :mod:`.pdfsplit`; the result is the same certificate.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_courseware.certificates.design import Design, Person
from mi_courseware.certificates.fonts import (
    NAME_BLOCKS,
    TEXT_BLOCKS,
    FontSubset,
    blocks_key,
    font_objects,
    subset_font,
)
from mi_courseware.certificates.pdfwrite import Renumber, flate_stream, inflate, ref, serialise_all
from mi_courseware.certificates.tags import document_of, topmost

CATALOG, PAGES, PAGE, PERSONAL, INFO, PARENT_TREE, ANNOT, LINK = range(1, 9)
FIRST_PLACEHOLDER = 9
BOLD, TEXT = "MIPersonalName", "MIPersonalText"
EMPTY_MARK = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC\s*EMC\s*")
MCID = re.compile(rb"<<\s*/MCID\s+(\d+)\s*>>")
_PLACEHOLDER = Person(
    "XX-0000-000000",
    "XXXX-XXXX-XXXX",
    "Placeholder",
    "2000-01-01T00:00:00Z",
    "2000-01-01T00:00:00Z",
    False,
)


class LayerMismatch(Exception):
    """The personal layer does not fit the shared one; render this certificate whole."""


@dataclass
class Shared:
    """What every certificate of a run shares, serialised once."""

    chunk: bytes
    offsets: dict[int, int]
    resource_chunk: bytes
    resource_offsets: dict[int, int]
    resources: int
    background: int
    media_box: list[float]
    placeholders: list[tuple[int, Any]]
    roles: list[str]
    parent_array: list[int | None]
    next_free: int
    namespace: int | None
    resource_names: frozenset[bytes]
    qr: tuple[float, float, float] | None
    dark: tuple[float, float, float]
    language: str
    bold: FontSubset
    text: FontSubset
    direct: Any = None  # the calibrated direct setter (:mod:`.direct`), when it applies

    @property
    def offset(self) -> int:
        """First MCID of the personal layer."""
        return len(self.parent_array)

    def covers(self, person: Person) -> bool:
        """Whether the fixed fonts can draw this person's text."""
        return self.bold.covers(person.name) and self.text.covers(person.number + person.code)


def render_document(
    html: str, *, base: Path, roots: Iterable[Path], asked_by: Path, compressed: bool = True
) -> tuple[bytes, dict[str, tuple[float, ...]]]:
    """WeasyPrint a document; its PDF and the anchors of its first page (CSS px).

    The personal layer is only read back, never kept: uncompressed, pypdf reads just the
    objects it needs instead of unpacking every object stream.
    """
    from weasyprint import HTML

    from mi_courseware.rendering.fetcher import Fence, make_fetcher
    from mi_courseware.rendering.pdf import pdf_options

    fence = Fence(list(roots), asked_by)
    document = HTML(
        string=html, base_url=base.as_uri() + "/", url_fetcher=make_fetcher(fence)
    ).render()
    data = document.write_pdf(**pdf_options("certificates"), uncompressed_pdf=not compressed)
    fence.check()
    anchors = dict(document.pages[0].anchors) if document.pages else {}
    return data, anchors


def build_shared(design: Design) -> Shared:
    """Render the shared design once and serialise everything certificates share."""
    from pypdf import PdfReader

    data, anchors = render_document(
        design.html([_PLACEHOLDER], mode="background"),
        base=design.base,
        roots=design.roots,
        asked_by=design.template_path,
    )
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    content = inflate(page.get_contents())
    hidden = {int(m) for m in EMPTY_MARK.findall(content)}
    content = EMPTY_MARK.sub(b"", content)
    tree: Any = reader.trailer["/Root"]["/StructTreeRoot"]  # type: ignore[index]
    document = document_of(reader)
    placeholders = topmost(document, hidden)
    roles = [str(p.get_object()["/S"]) for p in placeholders]
    if roles != ["/H1", "/P"]:
        raise LayerMismatch(f"unexpected personal elements in the design: {roles}")
    nums = tree["/ParentTree"]["/Nums"]
    old_array = dict(zip(nums[::2], nums[1::2], strict=True))[page["/StructParents"]]
    old_array = old_array.get_object()
    fixed = {int(page.indirect_reference.idnum): PAGE}  # type: ignore[union-attr]
    fixed.update({int(p.idnum): FIRST_PLACEHOLDER + i for i, p in enumerate(placeholders)})
    numbers = Renumber(
        FIRST_PLACEHOLDER + len(placeholders), fixed, skip=("/Parent", "/ParentTree")
    )
    objects: dict[int, Any] = {}
    background = numbers.next
    numbers.next += 1
    objects[background] = flate_stream(b"q\n" + content + b"\nQ")  # its cm must not leak
    resources = numbers.number_of(page.raw_get("/Resources"))
    numbers.drain()
    bold = subset_font(design.name_font, blocks_key(NAME_BLOCKS))
    text = subset_font(design.text_font, blocks_key(TEXT_BLOCKS))
    fonts = {}
    for key, subset in ((BOLD, bold), (TEXT, text)):
        font_objs, type0 = font_objects(subset, numbers.next)
        numbers.next = max(font_objs) + 1
        objects.update(font_objs)
        fonts[key] = type0
    objects.update(numbers.copied)
    _add_fonts(objects, resources, fonts)
    resource_chunk, resource_offsets = serialise_all(objects)
    root_number = numbers.number_of(tree.indirect_reference)
    templates = [numbers.copy(_without(p.get_object(), "/K")) for p in placeholders]
    numbers.drain()
    objects.update(numbers.copied)
    parent_array = [
        None
        if i in hidden or item is None or not hasattr(item, "idnum")
        else numbers.numbers.get(int(item.idnum))
        for i, item in enumerate(old_array)
    ]
    qr = _qr_box(anchors, page.mediabox) if design.edition.brand.verify_url else None
    namespace = _namespace(placeholders, numbers)
    document_number = numbers.numbers[int(document.idnum)]
    if qr:
        objects[LINK] = _link_element(document_number, namespace, design)
        _append_kid(objects[document_number], LINK)
    from pypdf.generic import NameObject, NumberObject

    tree_copy = objects[root_number]
    tree_copy[NameObject("/ParentTree")] = ref(PARENT_TREE)
    tree_copy[NameObject("/ParentTreeNextKey")] = NumberObject(2 if qr else 1)
    objects.update(_frame(root_number, resources, background, page, design, bool(qr)))
    chunk, offsets = serialise_all(objects)
    from mi_courseware.certificates.assemble import brand_rgb

    return Shared(
        chunk=chunk,
        offsets=offsets,
        resource_chunk=resource_chunk,
        resource_offsets=resource_offsets,
        resources=resources,
        background=background,
        media_box=[float(v) for v in page.mediabox],
        roles=roles,
        placeholders=[(FIRST_PLACEHOLDER + i, t) for i, t in enumerate(templates)],
        parent_array=parent_array,
        next_free=numbers.next,
        namespace=namespace,
        resource_names=_resource_names(objects, resources),
        qr=qr,
        dark=brand_rgb(design),
        language=design.primary,
        bold=bold,
        text=text,
    )


def _add_fonts(objects: dict[int, Any], resources: int, fonts: dict[str, int]) -> None:
    from pypdf.generic import DictionaryObject, NameObject

    entry = objects[resources].get("/Font")
    font_dict = objects[int(entry.idnum)] if hasattr(entry, "idnum") else entry
    if font_dict is None:
        font_dict = DictionaryObject()
        objects[resources][NameObject("/Font")] = font_dict
    for key, number in fonts.items():
        font_dict[NameObject("/" + key)] = ref(number)


def _resource_names(objects: dict[int, Any], resources: int) -> frozenset[bytes]:
    names: set[bytes] = set()
    for category, value in objects[resources].items():
        table = objects[int(value.idnum)] if hasattr(value, "idnum") else value
        if hasattr(table, "keys") and category != "/Font":
            names |= {k[1:].encode() for k in table}
    return frozenset(names)


def _without(element: Any, key: str) -> Any:
    from pypdf.generic import DictionaryObject

    return DictionaryObject({k: element.raw_get(k) for k in element if k != key})


def _append_kid(element: Any, number: int) -> None:
    from pypdf.generic import ArrayObject, NameObject

    kids = element.get("/K")
    if not isinstance(kids, list):
        kids = ArrayObject([] if kids is None else [kids])
    kids.append(ref(number))
    element[NameObject("/K")] = kids


def _namespace(placeholders: list[Any], numbers: Renumber) -> int | None:
    element = placeholders[0].get_object()
    ns = element.raw_get("/NS") if "/NS" in element else None
    return numbers.numbers.get(int(ns.idnum)) if ns is not None and hasattr(ns, "idnum") else None


def _qr_box(anchors: dict[str, tuple[float, ...]], media_box: Any) -> tuple[float, float, float]:
    """The QR code's box in PDF points: left, top (from the bottom edge), side."""
    if "qr-box" not in anchors:
        raise LayerMismatch("the design has no place for the QR code (#qr-box)")
    left, top, right, _ = anchors["qr-box"]  # CSS px from the top-left corner
    return left * 0.75, float(media_box[3]) - top * 0.75, (right - left) * 0.75


def _link_element(document: int, namespace: int | None, design: Design) -> Any:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Link"),
            NameObject("/P"): ref(document),
            NameObject("/Alt"): TextStringObject(design.plain("certificate.qr")),
            NameObject("/K"): ArrayObject(
                [
                    DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/OBJR"),
                            NameObject("/Obj"): ref(ANNOT),
                            NameObject("/Pg"): ref(PAGE),
                        }
                    )
                ]
            ),
        }
    )
    if namespace is not None:
        link[NameObject("/NS")] = ref(namespace)
    return link


def _frame(
    tree: int, resources: int, background: int, page: Any, design: Design, linked: bool
) -> dict[int, Any]:
    """Catalog, page tree and page: the same objects in every certificate's file."""
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    box = ArrayObject(page.mediabox)
    the_page = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Page"),
            NameObject("/Parent"): ref(PAGES),
            NameObject("/MediaBox"): box,
            NameObject("/Resources"): ref(resources),
            NameObject("/Contents"): ArrayObject([ref(background), ref(PERSONAL)]),
            NameObject("/StructParents"): NumberObject(0),
            NameObject("/Tabs"): NameObject("/S"),
        }
    )
    if linked:
        the_page[NameObject("/Annots")] = ArrayObject([ref(ANNOT)])
    return {
        CATALOG: DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): ref(PAGES),
                NameObject("/StructTreeRoot"): ref(tree),
                NameObject("/MarkInfo"): DictionaryObject(
                    {NameObject("/Marked"): BooleanObject(True)}
                ),
                NameObject("/Lang"): TextStringObject(design.primary),
                NameObject("/ViewerPreferences"): DictionaryObject(
                    {NameObject("/DisplayDocTitle"): BooleanObject(True)}
                ),
            }
        ),
        PAGES: DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject([ref(PAGE)]),
                NameObject("/Count"): NumberObject(1),
            }
        ),
        PAGE: the_page,
    }
