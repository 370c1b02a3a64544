"""``all-certificates.pdf``: every certificate of an event in one file, for printing.

The shared design's objects are written once and each page draws them with that person's
layer on top, so the file stays small however many certificates it holds. It is a print
file: no structure tree (each certificate's own PDF is the tagged, accessible one).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from mi_courseware.certificates.assemble import Layer, flate_dict, info_dict
from mi_courseware.certificates.layers import PERSONAL, Shared
from mi_courseware.certificates.pdfwrite import HEADER, FileWriter, Renumber, raw_stream, ref

_PERSONAL_OBJECT = re.compile(rb"%d 0 obj\n<<(.*?)>>\nstream\n" % PERSONAL, re.S)


def layer_from_file(path: Path, shared: Shared) -> Layer | None:
    """The personal layer of a certificate file written with these shared objects, if it was.

    So the print file draws every certificate the same way, whichever ones this run made.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    start = len(HEADER)
    if data[start : start + len(shared.chunk)] != shared.chunk:
        return None
    match = _PERSONAL_OBJECT.match(data, start + len(shared.chunk))
    length = re.search(rb"/Length (\d+)", match.group(1)) if match else None
    if match is None or length is None:
        return None
    return Layer(path.stem, data[match.end() : match.end() + int(length.group(1))], None)


def write_all(
    out: BinaryIO,
    shared: Shared,
    pages: Iterable[Layer | Path],
    *,
    title: str,
    created: str,
    modified: str,
) -> None:
    """``all-certificates.pdf``: the shared design's objects once, a page per certificate.

    A :class:`Layer` is drawn over the design; a path (a certificate rendered whole, or
    one from an earlier run) has its page copied in.
    """
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject

    from mi_courseware.certificates.pdfsplit import pdf_date

    writer = FileWriter(out, HEADER)
    writer.add_serialised(shared.resource_chunk, shared.resource_offsets)
    pages_number = max(shared.offsets) + 1
    catalog, info = pages_number + 1, pages_number + 2
    number = pages_number + 3
    kids = ArrayObject()
    box = ArrayObject(FloatObject(v) for v in shared.media_box)
    for item in pages:
        if isinstance(item, Layer):
            writer.add(number + 1, raw_stream(item.content, flate_dict()))
            writer.add(
                number,
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Page"),
                        NameObject("/Parent"): ref(pages_number),
                        NameObject("/MediaBox"): box,
                        NameObject("/Resources"): ref(shared.resources),
                        NameObject("/Contents"): ArrayObject(
                            [ref(shared.background), ref(number + 1)]
                        ),
                    }
                ),
            )
            kids.append(ref(number))
            number += 2
            continue
        source = PdfReader(item).pages[0]
        copier = Renumber(number, skip=("/Parent", "/StructParents", "/Annots"))
        page_number = copier.number_of(source.indirect_reference)
        copier.drain()
        copier.copied[page_number][NameObject("/Parent")] = ref(pages_number)
        for n in sorted(copier.copied):
            writer.add(n, copier.copied[n])
        kids.append(ref(page_number))
        number = copier.next
    writer.add(
        pages_number,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): kids,
                NameObject("/Count"): NumberObject(len(kids)),
            }
        ),
    )
    writer.add(
        catalog,
        DictionaryObject(
            {NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): ref(pages_number)}
        ),
    )
    writer.add(
        info,
        info_dict(
            {
                "/Title": title,
                "/Creator": "mi-courseware",
                "/CreationDate": pdf_date(created),
                "/ModDate": pdf_date(modified),
            }
        ),
    )
    writer.finish(catalog, info, hashlib.sha256(f"{title}|{modified}".encode()).digest()[:16])
