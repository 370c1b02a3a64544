"""Each certificate's file: the shared objects, its personal layer, its QR code and tags.

Also ``all-certificates.pdf``: the shared design once, then one page per certificate that
draws it with the person's layer on top (a print file, so without a structure tree).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from mi_courseware.certificates.design import Design, PdfInfo
from mi_courseware.certificates.layers import (
    ANNOT,
    BOLD,
    CATALOG,
    EMPTY_MARK,
    INFO,
    LINK,
    MCID,
    PAGE,
    PARENT_TREE,
    PERSONAL,
    TEXT,
    LayerMismatch,
    Shared,
)
from mi_courseware.certificates.pdfwrite import (
    FileWriter,
    Renumber,
    deflate,
    inflate,
    raw_stream,
    ref,
    serialise_all,
)
from mi_courseware.certificates.tags import by_page, document_of, topmost

_FONT = re.compile(rb"/([^\s/\[\]<>(){}%]+)(\s+[-\d.]+\s+Tf)")
_TOKENS = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f]+)>")
_NAMES = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s+(?:gs|cs|CS|scn|SCN|sh|Do)\b")
_DARK = re.compile(rb"[\x01-\xff]+")  # a run of dark modules in a QR code's row


@dataclass(frozen=True)
class Layer:
    """One certificate's personal content, ready to draw over the shared design."""

    number: str
    content: bytes  # compressed content stream: text and QR code
    url: str | None


def brand_rgb(design: Design) -> tuple[float, float, float]:
    """The QR code's colour as PDF RGB."""
    from mi_courseware.certificates.design import brand_dark
    from mi_courseware.rendering.colour import rgb

    red, green, blue = rgb(brand_dark(design.edition))
    return red / 255, green / 255, blue / 255


def cut_layer(
    page: Any, shared: Shared, tops: list[Any]
) -> tuple[bytes, list[tuple[int, Any]], dict[int, Any]]:
    """A personal-layer page: its content (fonts and MCIDs renumbered) and structure.

    ``tops`` are the page's top-level structure elements.
    """
    content = EMPTY_MARK.sub(b"", inflate(page.get_contents()))
    fonts = page["/Resources"]["/Font"].get_object()
    rename: dict[bytes, bytes] = {}
    for key, font in fonts.items():
        base = str(font.get_object()["/BaseFont"])
        if "+mi-personal" not in base:
            raise LayerMismatch(f"a fallback font was used: {base}")
        rename[key[1:].encode()] = (BOLD if base.endswith("-Bold") else TEXT).encode()
    current = b""
    for match in _TOKENS.finditer(content):
        if match.group(1) is not None:
            current = rename.get(match.group(1), b"")
            continue
        subset = shared.bold if current == BOLD.encode() else shared.text
        hexes = match.group(2)
        for i in range(0, len(hexes), 4):
            if int(hexes[i : i + 4], 16) not in subset.text:
                raise LayerMismatch("a glyph outside the fixed font subset")
    if not {m for m in _NAMES.findall(content)} <= shared.resource_names:
        raise LayerMismatch("the personal layer uses resources the design does not have")
    content = _FONT.sub(lambda m: b"/" + rename.get(m.group(1), m.group(1)) + m.group(2), content)
    offset = shared.offset
    content = MCID.sub(lambda m: b"<</MCID %d>>" % (int(m.group(1)) + offset), content)
    used = {int(m) for m in MCID.findall(content)}
    return b"q\n" + content + b"\nQ", *_structure(page, shared, used, tops)


def _structure(
    page: Any, shared: Shared, used: set[int], tops: list[Any]
) -> tuple[list[tuple[int, Any]], dict[int, Any]]:
    """Placeholder elements filled with this page's personal elements, and the parent tree."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NullObject, NumberObject

    wanted = {m - shared.offset for m in used}
    if any(m >= shared.offset for m in wanted):
        raise LayerMismatch("the personal layer has more marked content than expected")
    own = [e for top in tops for e in topmost(top, wanted, set(shared.roles))]
    if [str(e.get_object()["/S"]) for e in own] != shared.roles:
        raise LayerMismatch("the personal elements differ from the design's")
    numbers = Renumber(
        shared.next_free, {int(page.indirect_reference.idnum): PAGE}, skip=("/P", "/NS")
    )
    filled = []
    for (number, template), element in zip(shared.placeholders, own, strict=True):
        placeholder = DictionaryObject(template)
        placeholder[NameObject("/K")] = numbers.copy(element.get_object()["/K"])
        filled.append((number, placeholder))
    numbers.drain()
    array: list[Any] = [ref(n) if n else NullObject() for n in shared.parent_array]
    for number, placeholder in filled:
        _adopt(placeholder, number, numbers, array, shared)
    extra = {n: obj for n, obj in numbers.copied.items()}
    for number, obj in extra.items():
        _mcids(obj, number, array, shared)
    nums = ArrayObject([NumberObject(0), ArrayObject(array)])
    if shared.qr:
        nums += [NumberObject(1), ref(LINK)]
    extra[PARENT_TREE] = DictionaryObject({NameObject("/Nums"): nums})
    return filled, extra


def _adopt(
    placeholder: Any, number: int, numbers: Renumber, array: list[Any], shared: Shared
) -> None:
    """Point copied children back at their parents and namespace; renumber their MCIDs."""
    from pypdf.generic import NameObject

    kids = placeholder["/K"]
    kids = kids if isinstance(kids, list) else [kids]
    _mcids(placeholder, number, array, shared)
    for kid in kids:
        if hasattr(kid, "idnum") and kid.idnum in numbers.copied:
            child = numbers.copied[kid.idnum]
            child[NameObject("/P")] = ref(number)
            if shared.namespace is not None and "/S" in child:
                child[NameObject("/NS")] = ref(shared.namespace)
            _adopt(child, kid.idnum, numbers, array, shared)


def _mcids(element: Any, number: int, array: list[Any], shared: Shared) -> None:
    """Shift this element's own MCIDs past the shared ones; record it as their parent."""
    from pypdf.generic import ArrayObject, NameObject, NullObject, NumberObject

    if not hasattr(element, "get") or element.get("/Type") == "/OBJR":
        return
    kids = element.get("/K")
    if kids is None:
        return
    single = not isinstance(kids, list)
    items = [kids] if single else list(kids)
    for index, item in enumerate(items):
        if isinstance(item, int) and not isinstance(item, bool) and not hasattr(item, "idnum"):
            new = int(item) + shared.offset if int(item) < shared.offset else int(item)
            items[index] = NumberObject(new)
            while len(array) <= new:
                array.append(NullObject())
            array[new] = ref(number)
    element[NameObject("/K")] = items[0] if single else ArrayObject(items)


def qr_content(url: str, shared: Shared) -> bytes:
    """The QR code as filled rectangles (vector), marked as an artifact."""
    from mi_courseware.certificates.qr import qr_matrix

    assert shared.qr is not None
    left, top, side = shared.qr
    matrix = qr_matrix(url)  # segno.make(url, error="m").matrix, made faster
    module = side / len(matrix)
    # in module units from the top-left corner: each run of dark modules is one rectangle
    parts = [
        b"q /Artifact BMC %.4f %.4f %.4f rg" % shared.dark,
        b"%.4f 0 0 %.4f %.3f %.3f cm" % (module, -module, left, top),
    ]
    for row, cells in enumerate(matrix):
        for run in _DARK.finditer(cells):
            start, end = run.span()
            parts.append(b"%d %d %d 1 re" % (start, row, end - start))
    parts.append(b"f EMC Q")
    return b"\n".join(parts)


def write_certificate(
    out: BinaryIO,
    shared: Shared,
    info: PdfInfo,
    content: bytes,
    structure: tuple[bytes, dict[int, int]],
    url: str | None,
) -> None:
    """One certificate's PDF; ``structure`` is its serialised part of the structure tree."""
    from mi_courseware.certificates.pdfsplit import info_entries, pdf_date

    writer = FileWriter(out)
    writer.add_serialised(shared.chunk, shared.offsets)
    writer.add(PERSONAL, raw_stream(content, flate_dict()))
    writer.add_serialised(*structure)
    if url and shared.qr:
        writer.add(ANNOT, _annotation(url, shared, info))
    writer.add(
        INFO,
        info_dict(
            {
                **info_entries(info),
                "/Creator": "mi-courseware",
                "/Producer": "mi-courseware (WeasyPrint)",
                "/CreationDate": pdf_date(info.created),
                "/ModDate": pdf_date(info.modified),
            }
        ),
    )
    identity = hashlib.sha256(f"{info.number}|{info.code}|{info.modified}".encode()).digest()
    writer.finish(CATALOG, INFO, identity[:16])


def flate_dict() -> dict[str, Any]:
    """Stream dictionary entries of a Flate-compressed stream."""
    from pypdf.generic import NameObject

    return {"/Filter": NameObject("/FlateDecode")}


def info_dict(values: dict[str, str]) -> Any:
    """A document information dictionary."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    return DictionaryObject({NameObject(k): TextStringObject(v) for k, v in values.items()})


def _annotation(url: str, shared: Shared, info: PdfInfo) -> Any:
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    assert shared.qr is not None
    left, top, side = shared.qr
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(
                FloatObject(round(v, 3)) for v in (left, top - side, left + side, top)
            ),
            NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
            NameObject("/F"): NumberObject(4),
            NameObject("/StructParent"): NumberObject(1),
            NameObject("/Contents"): TextStringObject(url),
            NameObject("/P"): ref(PAGE),
            NameObject("/A"): DictionaryObject(
                {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(url)}
            ),
        }
    )


def render_layers(
    shared: Shared, data: bytes, infos: list[PdfInfo], urls: list[str | None], folder: Path
) -> tuple[list[tuple[str, Path, str]], list[Layer], list[int]]:
    """Write the certificates of one personal-layer batch; indexes that need whole pages."""
    from pypdf import PdfReader

    from mi_courseware.certificates.batch import write_synced

    reader = PdfReader(io.BytesIO(data))
    if len(reader.pages) != len(infos):
        return [], [], list(range(len(infos)))
    tops = by_page(document_of(reader))
    done, layers, failed = [], [], []
    for index, (page, info, url) in enumerate(zip(reader.pages, infos, urls, strict=True)):
        try:
            content, filled, extra = cut_layer(
                page,
                shared,
                tops.get(int(page.indirect_reference.idnum), []),  # type: ignore[union-attr]
            )
        except LayerMismatch:
            failed.append(index)
            continue
        if url and shared.qr:
            content += b"\n" + qr_content(url, shared)
        packed = deflate(content)
        out = io.BytesIO()
        structure = serialise_all({**dict(filled), **extra})
        write_certificate(out, shared, info, packed, structure, url)
        pdf = out.getvalue()
        path = folder / f"{info.number}.pdf"
        write_synced(path, pdf)
        done.append((info.number, path, hashlib.sha256(pdf).hexdigest()))
        layers.append(Layer(info.number, packed, url))
    return done, layers, failed


def render_direct(
    shared: Shared,
    infos: list[PdfInfo],
    urls: list[str | None],
    lines: list[dict[str, Any]],
    folder: Path,
) -> tuple[list[tuple[str, Path, str]], list[Layer]]:
    """Write certificates whose personal text is set directly (:mod:`.direct`).

    Files are written and flushed to disk by a thread while the next one is made; all of them
    are on disk when this returns.
    """
    from concurrent.futures import ThreadPoolExecutor

    from mi_courseware.certificates.batch import write_synced

    direct = shared.direct
    structure = (direct.structure, direct.offsets)
    done, layers = [], []
    with ThreadPoolExecutor(max_workers=1) as disk:
        writes = []
        for info, url, person in zip(infos, urls, lines, strict=True):
            content = direct.content(person)
            if url and shared.qr:
                content += b"\n" + qr_content(url, shared)
            packed = deflate(content)
            out = io.BytesIO()
            write_certificate(out, shared, info, packed, structure, url)
            pdf = out.getvalue()
            path = folder / f"{info.number}.pdf"
            writes.append(disk.submit(write_synced, path, pdf))
            done.append((info.number, path, hashlib.sha256(pdf).hexdigest()))
            layers.append(Layer(info.number, packed, url))
        for write in writes:
            write.result()  # a failed write fails the batch
    return done, layers
