"""Joining the parts' PDFs into one document (pikepdf).

Each part is a complete tagged PDF from WeasyPrint. The joined document has every page in
order, and one of each thing the whole document would have had one of:

- one structure tree: WeasyPrint builds it page by page under a single ``Document`` element,
  so the later parts' elements follow the first's; the parent tree's keys (pages first, then
  annotations, in page order) and the pages' and annotations' keys are renumbered to match;
- one outline: the later parts' top-level bookmarks follow the first's;
- one set of named destinations, where links between the parts land: each anchor from the
  part that holds it (the placeholders a part made for anchors elsewhere are dropped);
- the first part's catalog and document information (every part has the same ``<head>``).

Fonts stay as each part embedded them (each part's own subset). The result is saved with a
deterministic file identifier, so the same parts give the same bytes.
"""

from __future__ import annotations

import io
from typing import Any


def join(pdfs: list[bytes], placeholders: list[tuple[str, ...]], identifier: bytes) -> bytes:
    """One PDF from the parts' PDFs; ``placeholders[k]``: the destinations part ``k`` made
    for anchors another part holds; ``identifier``: the document's permanent identifier
    (the first half of its file identifier, as the whole document would have)."""
    import pikepdf

    opened = [pikepdf.open(io.BytesIO(data)) for data in pdfs]
    try:
        joined = opened[0]
        tree = joined.Root.StructTreeRoot
        document = tree.K[0]
        page_keys: list[tuple[int, Any]] = []
        annotation_keys: list[Any] = []
        destinations: dict[str, Any] = {}
        keyed: list[tuple[Any, int]] = []  # each annotation, its place among all annotations
        first_pages = len(joined.pages)
        offset = 0
        for index, part in enumerate(opened):
            count = len(part.pages)
            if index:
                for page in part.pages:  # extend() warns that it drops what the join carries
                    joined.pages.append(page)
                copied = joined.copy_foreign(part.Root.StructTreeRoot)
                for kid in copied.K[0].K:
                    kid.P = document
                    document.K.append(kid)
                _append_outline(joined, part)
            else:
                copied = tree
            pages = list(joined.pages)[offset : offset + count]
            renumber = _parent_keys(copied, count, offset, page_keys, annotation_keys)
            for page in pages:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annotation in page.obj.get("/Annots", []):
                    if "/StructParent" in annotation:
                        keyed.append((annotation, renumber[int(annotation.StructParent)]))
            names = _destinations(part)
            for name, destination in names:
                if name in placeholders[index] or name in destinations:
                    continue
                if index:  # a direct array: made indirect in its own file to be copied
                    destination = joined.copy_foreign(part.make_indirect(destination))
                destinations[name] = destination
            offset += count
        _retag_fonts(joined, first_pages)
        total = offset
        for annotation, place in keyed:
            annotation.StructParent = total + place
        nums = pikepdf.Array()
        for key, value in sorted(page_keys, key=lambda pair: pair[0]):
            nums.append(key)
            nums.append(value)
        for key, value in enumerate(annotation_keys, start=total):
            nums.append(key)
            nums.append(value)
        tree.ParentTree = joined.make_indirect(pikepdf.Dictionary(Nums=nums))
        if destinations:
            flat = pikepdf.Array()
            for name in sorted(destinations):
                flat.append(pikepdf.String(name))
                flat.append(destinations[name])
            if "/Names" not in joined.Root:
                joined.Root.Names = pikepdf.Dictionary()
            joined.Root.Names.Dests = joined.make_indirect(pikepdf.Dictionary(Names=flat))
        joined.trailer.ID = pikepdf.Array([pikepdf.String(identifier), joined.trailer.ID[1]])
        out = io.BytesIO()
        joined.save(
            out,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return out.getvalue()
    finally:
        for part in opened:
            part.close()


def _parent_keys(
    tree: Any, pages: int, offset: int, page_keys: list[tuple[int, Any]], annotations: list[Any]
) -> dict[int, int]:
    """Take a part's parent-tree entries; the new key of each annotation's old key (the
    whole document numbers its annotations after all its pages)."""
    nums = list(tree.ParentTree.Nums)
    renumber: dict[int, int] = {}
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        key = int(key)
        if key < pages:
            page_keys.append((key + offset, value))
        else:
            renumber[key] = len(annotations)
            annotations.append(value)
    return renumber


def _destinations(pdf: Any) -> list[tuple[str, Any]]:
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        return []
    flat = list(dests.get("/Names", []))
    return [(str(name), value) for name, value in zip(flat[::2], flat[1::2], strict=True)]


def _append_outline(joined: Any, part: Any) -> None:
    """The part's top-level bookmarks after the joined document's."""
    if "/Outlines" not in part.Root or "/First" not in part.Root.Outlines:
        return
    copied = joined.copy_foreign(part.Root.Outlines)
    if "/Outlines" not in joined.Root or "/First" not in joined.Root.Outlines:
        joined.Root.Outlines = copied
        return
    outlines = joined.Root.Outlines
    item = copied.First
    while True:
        item.Parent = outlines
        if "/Next" not in item:
            break
        item = item.Next
    last = outlines.Last
    last.Next = copied.First
    copied.First.Prev = last
    outlines.Last = copied.Last
    outlines.Count = int(outlines.get("/Count", 0)) + int(copied.get("/Count", 0))


def _retag_fonts(joined: Any, first: int) -> None:
    """Give the later parts' font subsets tags of their own.

    WeasyPrint tags a subset (``ABCDEF+Open-Sans``) by the font, not by the glyphs kept, so
    two parts would embed different subsets under one name, which a viewer that keeps fonts
    by name could mix up. The new tag is taken from the subset's own bytes.
    """
    import hashlib

    import pikepdf

    seen: set[tuple[int, int]] = set()
    for page in list(joined.pages)[first:]:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _, font in fonts.items():
            if font.objgen in seen or "/BaseFont" not in font:
                continue
            seen.add(font.objgen)
            name = str(font.BaseFont)[1:]
            if len(name) < 8 or name[6] != "+":
                continue
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = described.get("/FontDescriptor")
            program = b""
            if descriptor is not None:
                for key in ("/FontFile2", "/FontFile3", "/FontFile"):
                    if key in descriptor:
                        program = descriptor[key].read_raw_bytes()
            digest = hashlib.sha256(name.encode() + program).digest()
            tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
            renamed = pikepdf.Name("/" + tag + name[6:])
            font.BaseFont = renamed
            if described is not font:
                described.BaseFont = renamed
            if descriptor is not None and "/FontName" in descriptor:
                descriptor.FontName = renamed
