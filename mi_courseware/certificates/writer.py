"""Writing certificate files: the set page, the whole page, and the print file.

* :class:`PageWriter` fills the run's background page (:mod:`.background`) with one person's
  text and QR code and saves it with pikepdf (qpdf writes the cross-references, object
  streams and a deterministic file identifier).
* :func:`whole_page` is the fallback: WeasyPrint renders the person's whole certificate.
* :func:`write_print_file` is the one writer of ``all-certificates.pdf``: pages are copied
  from the certificates' own files, and objects they share (the design, its fonts and
  images) are written once.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

from mi_courseware.certificates.background import Background
from mi_courseware.certificates.common import PdfInfo
from mi_courseware.certificates.pdfsplit import info_entries, set_info

SET_PRODUCER = "mi-courseware (WeasyPrint, HarfBuzz)"
WHOLE_PRODUCER = "mi-courseware (WeasyPrint, whole page)"


class PageWriter:
    """Certificates from one background page; keep one per process and reuse it."""

    def __init__(self, background: Background) -> None:
        import pikepdf

        self.background = background
        self.pdf = pikepdf.open(io.BytesIO(background.pdf))
        page = self.pdf.pages[0]
        self.personal = page.obj.Contents[1]
        annotations = page.obj.get("/Annots")
        self.link = annotations[0] if annotations else None

    def write(self, info: PdfInfo, content: bytes, url: str | None) -> tuple[bytes, bytes]:
        """One certificate's PDF (``content`` drawn on the background, ``url`` linked), and
        its compressed personal stream (for the print file)."""
        import pikepdf

        packed = zlib.compress(content, 6)
        self.personal.write(packed, filter=pikepdf.Name.FlateDecode)
        if self.link is not None:
            self.link.A.URI = pikepdf.String(url or "")
            self.link.Contents = pikepdf.String(url or "")
        set_info(self.pdf, info_entries(info), SET_PRODUCER, info.created, info.modified)
        out = io.BytesIO()
        self.pdf.save(
            out,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,  # copy streams as they are
            recompress_flate=False,
        )
        return out.getvalue(), packed


def whole_page(
    html: str, info: PdfInfo, base: Path, allowed: frozenset[Path], asked_by: Path
) -> bytes:
    """One certificate rendered whole by WeasyPrint, with its document information."""
    import pikepdf

    from mi_courseware.rendering.pdf import render_pdf

    data = render_pdf(
        html,
        base=base,
        allowed=allowed,
        asked_by=asked_by,
        identifier=f"{info.number}|{info.code}|{info.modified}",
    )
    pdf = pikepdf.open(io.BytesIO(data))
    set_info(pdf, info_entries(info), WHOLE_PRODUCER, info.created, info.modified)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def write_print_file(
    out: Path,
    items: list[bytes | Path],
    background: bytes | None,
    *,
    title: str,
    language: str,
    created: str,
    modified: str,
) -> None:
    """``all-certificates.pdf``: every certificate's page, for printing.

    ``items`` are this run's set pages as their compressed personal streams (drawn on the
    ``background`` page), or certificate files (set pages of the same design share its
    objects too; whole pages are copied). A print file: no structure tree (each
    certificate's own PDF is the tagged one); shared objects are written once, so the file
    stays small however many certificates it holds.
    """
    import pikepdf

    printed = pikepdf.new()
    shared: dict[bytes, tuple[Any, Any, Any]] = {}  # drawing, resources, media box by key
    sources = []  # copied objects read their stream data from their source when saved

    def design_of(page: Any) -> tuple[Any, Any, Any]:
        key = _key(page.obj.Contents[0], page.obj.Resources)
        if key not in shared:
            shared[key] = (
                printed.copy_foreign(page.obj.Contents[0]),
                printed.copy_foreign(page.obj.Resources),
                pikepdf.Array([float(v) for v in page.obj.MediaBox]),
            )
        return shared[key]

    base = None
    on_background = None  # the design of the run's set pages: its key is computed once
    if background is not None:
        base = pikepdf.open(io.BytesIO(background))
        sources.append(base)
    for item in items:
        if isinstance(item, bytes):
            assert base is not None
            on_background = on_background or design_of(base.pages[0])
            drawing, resources, box = on_background
            personal_data = item
        else:
            source = pikepdf.open(io.BytesIO(item.read_bytes()))
            sources.append(source)
            page = source.pages[0]
            contents = page.obj.Contents
            if not (isinstance(contents, pikepdf.Array) and len(contents) == 2):
                for name in ("/StructParents", "/Annots"):  # a whole page: copied as it is
                    if name in page.obj:
                        del page.obj[name]
                printed.pages.append(page)
                continue
            drawing, resources, box = design_of(page)
            personal_data = contents[1].read_raw_bytes()
        personal = pikepdf.Stream(printed, b"")
        personal.write(personal_data, filter=pikepdf.Name.FlateDecode)
        new = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=box,
            Resources=resources,
            Contents=pikepdf.Array([drawing, printed.make_indirect(personal)]),
        )
        printed.pages.append(pikepdf.Page(new))
    set_info(printed, {"/Title": title}, "mi-courseware", created, modified)
    printed.Root.Lang = pikepdf.String(language)
    data = io.BytesIO()
    # saved in memory, then written by Python: when qpdf writes a file itself, a full disk
    # throws inside its C++ writer and the process aborts (std::terminate) instead of failing
    printed.save(
        data,
        deterministic_id=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        recompress_flate=False,
    )
    for source in sources:
        source.close()
    out.write_bytes(data.getbuffer())


def _key(drawing: Any, resources: Any) -> bytes:
    """What makes two pages' backgrounds the same: the drawing and the resources' bytes."""
    import hashlib

    digest = hashlib.sha256(drawing.read_raw_bytes())
    fonts = resources.get("/Font", {})
    for name in sorted(fonts.keys()):  # the personal fonts' programs, by their bytes
        digest.update(name.encode())
        descendants = fonts[name].get("/DescendantFonts")
        if descendants is not None:
            program = descendants[0].FontDescriptor.get("/FontFile2")
            digest.update(program.read_raw_bytes() if program is not None else b"")
    return digest.digest()
