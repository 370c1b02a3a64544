"""Reading the structure tree WeasyPrint writes: which elements hold which marked content."""

from __future__ import annotations

from typing import Any


def leaves(element: Any) -> list[int]:
    """MCIDs under a structure element."""
    found: list[int] = []
    stack = [element]
    while stack:
        item = stack.pop()
        item = item.get_object() if hasattr(item, "get_object") else item
        if isinstance(item, int):
            found.append(int(item))
        elif hasattr(item, "get"):
            if item.get("/Type") == "/MCR":
                found.append(int(item["/MCID"]))
                continue
            kids = item.get("/K")
            if kids is not None:
                kids = kids.get_object() if hasattr(kids, "get_object") else kids
                stack.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(item, list):
            stack.extend(item)
    return found


def page_of(element: Any) -> int | None:
    """Object number of the page an element's first marked content is on."""
    stack = [element]
    while stack:
        obj = stack.pop(0)
        obj = obj.get_object() if hasattr(obj, "get_object") else obj
        if not hasattr(obj, "get"):
            continue
        if "/Pg" in obj:
            return int(obj.raw_get("/Pg").idnum)
        kids = obj.get("/K")
        if kids is not None:
            kids = kids.get_object() if hasattr(kids, "get_object") else kids
            stack.extend(kids if isinstance(kids, list) else [kids])
    return None


def document_of(reader: Any) -> Any:
    """The ``/Document`` structure element (a reference) of a tagged PDF."""
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    kids = tree.raw_get("/K")
    resolved = kids.get_object()
    return resolved[0] if isinstance(resolved, list) else kids


def by_page(document: Any) -> dict[int | None, list[Any]]:
    """The document's top-level elements by page (certificates are one page each)."""
    kids = document.get_object().get("/K")
    kids = kids.get_object() if hasattr(kids, "get_object") else kids
    pages: dict[int | None, list[Any]] = {}
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object"):
            pages.setdefault(page_of(kid), []).append(kid)
    return pages


def topmost(element: Any, wanted: set[int], roles: set[str] | None = None) -> list[Any]:
    """Top-most elements (references, document order) whose MCIDs all lie in ``wanted``.

    With ``roles``, only elements of those roles count; wrappers are looked into.
    """
    out: list[Any] = []
    kids = element.get_object().get("/K")
    kids = kids.get_object() if hasattr(kids, "get_object") else kids
    for kid in kids if isinstance(kids, list) else [kids]:
        if not hasattr(kid, "get_object") or isinstance(kid.get_object(), int):
            continue
        obj = kid.get_object()
        if obj.get("/Type") in ("/MCR", "/OBJR"):
            continue
        mcids = leaves(kid)
        if mcids and set(mcids) <= wanted and (roles is None or str(obj.get("/S")) in roles):
            out.append(kid)
        elif mcids:
            out += topmost(kid, wanted, roles)
    return out
