"""Cutting a batch PDF into one PDF per certificate, and joining them for printing.

WeasyPrint shares one resource dictionary between all pages of a document. Each page is cut
out with only the fonts, images and graphics states its own content names (sorted, so the
order never depends on the batch), its part of the structure tree (the PDF stays tagged for
screen readers), and document information of its own: number and verification code as custom
keys, dates from the register and a fixed file identifier. The same certificate therefore
gives the same bytes whether it was rendered alone or among a thousand others.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.errors import MiCoursewareError

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader, PdfWriter

    from mi_courseware.certificates.design import PdfInfo

NUMBER_KEY = "/MICertificateNumber"
CODE_KEY = "/MICertificateCode"
_NAMES = re.compile(rb"/([^\s/\[\]<>(){}%]+)")
_PRUNED = ("/Font", "/XObject", "/ExtGState", "/Pattern", "/Shading", "/ColorSpace")


class SplitError(MiCoursewareError):
    """A batch PDF does not have one page per certificate."""


def info_entries(info: PdfInfo) -> dict[str, str]:
    """The document-information entries that say which certificate a PDF is."""
    return {
        "/Title": info.title,
        "/Author": info.author,
        "/Subject": info.subject,
        "/Keywords": info.keywords,
        NUMBER_KEY: info.number,
        CODE_KEY: info.code,
    }


def pdf_date(stamp: str) -> str:
    """``2027-03-12T09:30:00Z`` -> ``D:20270312093000Z``."""
    return "D:" + re.sub(r"\D", "", stamp) + "Z"


def _used_names(stream: Any) -> set[bytes]:
    return set(_NAMES.findall(stream.get_data())) if stream is not None else set()


def _prune(resources: Any, used: set[bytes]) -> Any:
    """A copy of ``resources`` keeping only entries whose names the content uses."""
    from pypdf.generic import DictionaryObject, NameObject

    kept = DictionaryObject()
    for category in sorted(resources):
        value = resources[category].get_object()
        if category in _PRUNED and isinstance(value, DictionaryObject):
            entries = {k: value.raw_get(k) for k in sorted(value) if k[1:].encode() in used}
            if entries:
                kept[NameObject(category)] = DictionaryObject(entries)
        else:
            kept[NameObject(category)] = resources.raw_get(category)
    return kept


def _prune_forms(reader: PdfReader) -> None:
    """Trim every form XObject's resources to what its own content uses (shared by pages)."""
    seen: set[int] = set()
    for page in reader.pages:
        stack = [page.get("/Resources")]
        while stack:
            resources = stack.pop()
            if resources is None:
                continue
            resources = resources.get_object()
            xobjects = resources.get("/XObject")
            for ref in xobjects.get_object().values() if xobjects else ():
                form = ref.get_object()
                if form.get("/Subtype") != "/Form" or id(form) in seen:
                    continue
                seen.add(id(form))
                inner = form.get("/Resources")
                if inner is not None:
                    from pypdf.generic import NameObject

                    form[NameObject("/Resources")] = _prune(inner.get_object(), _used_names(form))
                    stack.append(form["/Resources"])


def _structure(reader: PdfReader) -> tuple[dict[int, list[Any]], dict[int, Any], Any]:
    """Top-level structure elements by page object number, the parent tree, and namespaces."""
    root: Any = reader.trailer["/Root"]
    tree: Any = root.get("/StructTreeRoot")
    if tree is None:
        return {}, {}, None
    tree = tree.get_object()
    kids = tree.get("/K")
    kids = kids.get_object() if kids is not None else []
    document = kids[0].get_object() if isinstance(kids, list) and kids else kids
    children = document.get("/K", [])
    children = children.get_object()
    if not isinstance(children, list):
        children = [children]
    by_page: dict[int, list[Any]] = {}
    for child in children:
        page = _page_of(child)
        if page is not None:
            by_page.setdefault(page, []).append(child)
    nums = tree.get("/ParentTree", {}).get_object().get("/Nums", [])
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    return by_page, parents, tree.get("/Namespaces")


def _page_of(element: Any) -> int | None:
    """The object number of the page an element (or its first descendant) is on."""
    stack = [element]
    while stack:
        item = stack.pop(0)
        if not hasattr(item, "get_object"):
            continue
        obj = item.get_object()
        if not hasattr(obj, "get"):
            continue
        page = obj.raw_get("/Pg") if "/Pg" in obj else None
        if page is not None:
            return int(page.idnum)
        kids = obj.get("/K")
        if kids is not None:
            kids = kids.get_object()
            stack.extend(kids if isinstance(kids, list) else [kids])
    return None


def _number(page: Any) -> int:
    """The object number of a page read from a file."""
    return int(page.indirect_reference.idnum)


def split(data: bytes, infos: list[PdfInfo]) -> list[bytes]:
    """One PDF per page of ``data``; ``infos`` describe the pages in order."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if len(reader.pages) != len(infos):
        raise SplitError(
            f"{len(infos)} certificates made {len(reader.pages)} pages: a certificate spilled "
            "onto a second page (a very long name, or a theme change that does not fit)"
        )
    _prune_forms(reader)
    by_page, parents, namespaces = _structure(reader)
    return [
        _one(
            reader,
            page,
            info,
            by_page.get(_number(page), []),
            parents,
            namespaces,
        )
        for page, info in zip(reader.pages, infos, strict=True)
    ]


def _one(
    reader: PdfReader,
    page: PageObject,
    info: PdfInfo,
    elements: list[Any],
    parents: dict[int, Any],
    namespaces: Any,
) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, NullObject

    page[NameObject("/Resources")] = _prune(
        page["/Resources"].get_object(), _used_names(page.get_contents())
    )
    writer = PdfWriter()
    writer.pdf_header = reader.pdf_header
    copied = writer.add_page(page)
    for element in elements:  # cut each element loose so cloning stops at this page's subtree
        element.get_object()[NameObject("/P")] = NullObject()
    _tag(writer, copied, page, elements, parents, namespaces)
    _finish(writer, info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _tag(
    writer: PdfWriter,
    copied: PageObject,
    page: PageObject,
    elements: list[Any],
    parents: dict[int, Any],
    namespaces: Any,
) -> None:
    """Give the one-page PDF its own structure tree: Document -> this page's elements."""
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        NameObject,
        NumberObject,
    )

    if not elements:
        copied.pop(NameObject("/StructParents"), None)
        return
    kids = ArrayObject(element.clone(writer) for element in elements)
    document = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Document"),
            NameObject("/K"): kids,
        }
    )
    if namespaces is not None:
        ns = namespaces.get_object()
        if isinstance(ns, list) and ns:
            document[NameObject("/NS")] = ns[0].clone(writer)
    document_ref = writer._add_object(document)
    nums = ArrayObject()
    keys = [("/StructParents", copied)]
    keys += [("/StructParent", a.get_object()) for a in copied.get("/Annots", [])]
    for next_key, (field, holder) in enumerate(k for k in keys if k[0] in k[1]):
        old = int(holder[field])  # type: ignore[call-overload]
        holder[NameObject(field)] = NumberObject(next_key)
        if old in parents:
            nums.extend([NumberObject(next_key), parents[old].clone(writer)])
    tree = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/StructTreeRoot"),
            NameObject("/K"): ArrayObject([document_ref]),
            NameObject("/ParentTree"): DictionaryObject({NameObject("/Nums"): nums}),
            NameObject("/ParentTreeNextKey"): NumberObject(len(nums) // 2),
        }
    )
    if namespaces is not None:
        tree[NameObject("/Namespaces")] = namespaces.clone(writer)
    tree_ref = writer._add_object(tree)
    document[NameObject("/P")] = tree_ref
    for kid in kids:
        kid.get_object()[NameObject("/P")] = document_ref
    writer.root_object[NameObject("/StructTreeRoot")] = tree_ref
    writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)}
    )


def _finish(
    writer: PdfWriter,
    info: PdfInfo | None,
    *,
    title: str = "",
    language: str = "",
    created: str = "",
    modified: str = "",
    identity: str = "",
) -> None:
    """Document information, language, title display and a fixed identifier."""
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    if info is not None:
        meta = info_entries(info)
        title, language = info.title, info.language
        created, modified = info.created, info.modified
        identity = f"{info.number}|{info.code}"
    else:
        meta = {"/Title": title}
    meta.update(
        {
            "/Creator": "mi-courseware",
            "/Producer": "mi-courseware (WeasyPrint, pypdf)",
            "/CreationDate": pdf_date(created),
            "/ModDate": pdf_date(modified),
        }
    )
    writer.add_metadata(meta)
    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(language)
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    digest = hashlib.sha256(f"{identity}|{modified}".encode()).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])


def read_info(path: Path) -> dict[str, str]:
    """The document information of a PDF (number and code when it is one of ours)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        meta: Any = PdfReader(path).metadata or {}
    except (PdfReadError, OSError, ValueError) as exc:
        raise MiCoursewareError(f"{path}: cannot read this PDF ({exc})") from None
    return {str(k): str(v) for k, v in meta.items()}


def join(files: Iterable[Path], *, title: str, language: str, created: str, modified: str) -> bytes:
    """One PDF of every certificate, for printing (identical fonts and images shared)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    names = []
    for path in files:
        writer.append(str(path), import_outline=False)
        names.append(path.name)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    _finish(
        writer,
        None,
        title=title,
        language=language,
        created=created,
        modified=modified,
        identity="|".join(names),
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
