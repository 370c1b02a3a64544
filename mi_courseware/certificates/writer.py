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

    def write(self, info: PdfInfo, content: bytes, url: str | None) -> bytes:
        """One certificate's PDF: ``content`` drawn on the background, ``url`` linked."""
        import pikepdf

        self.personal.write(zlib.compress(content, 6), filter=pikepdf.Name.FlateDecode)
        if self.link is not None:
            self.link.A.URI = pikepdf.String(url or "")
            self.link.Contents = pikepdf.String(url or "")
        set_info(self.pdf, info_entries(info), SET_PRODUCER, info.created, info.modified)
        out = io.BytesIO()
        self.pdf.save(
            out,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
        )
        return out.getvalue()


def whole_page(html: str, info: PdfInfo, base: Path, roots: list[Path], asked_by: Path) -> bytes:
    """One certificate rendered whole by WeasyPrint, with its document information."""
    import pikepdf

    from mi_courseware.rendering.pdf import render_pdf

    data = render_pdf(
        html,
        base=base,
        roots=roots,
        asked_by=asked_by,
        identifier=f"{info.number}|{info.code}|{info.modified}",
    )
    pdf = pikepdf.open(io.BytesIO(data))
    set_info(pdf, info_entries(info), WHOLE_PRODUCER, info.created, info.modified)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def write_print_file(
    out: Path, files: list[Path], *, title: str, language: str, created: str, modified: str
) -> None:
    """``all-certificates.pdf``: every certificate's page, for printing.

    A print file: no structure tree (each certificate's own PDF is the tagged one). Pages
    drawn on the same background share its objects, so the file stays small however many
    certificates it holds.
    """
    import pikepdf

    printed = pikepdf.new()
    shared: dict[bytes, Any] = {}  # the background drawing and resources, by their bytes
    sources = []  # copied objects read their stream data from their source when saved
    for path in files:
        source = pikepdf.open(io.BytesIO(path.read_bytes()))
        page = source.pages[0]
        contents = page.obj.Contents
        if isinstance(contents, pikepdf.Array) and len(contents) == 2:
            key = _key(contents[0], page.obj.Resources)
            if key not in shared:
                sources.append(source)
                shared[key] = (
                    printed.copy_foreign(contents[0]),
                    printed.copy_foreign(page.obj.Resources),
                )
            drawing, resources = shared[key]
            personal = pikepdf.Stream(printed, b"")
            personal.write(contents[1].read_raw_bytes(), filter=pikepdf.Name.FlateDecode)
            new = pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=pikepdf.Array([float(v) for v in page.obj.MediaBox]),
                Resources=resources,
                Contents=pikepdf.Array([drawing, printed.make_indirect(personal)]),
            )
            printed.pages.append(pikepdf.Page(new))
        else:
            sources.append(source)
            for name in ("/StructParents", "/Annots"):
                if name in page.obj:
                    del page.obj[name]
            printed.pages.append(page)
    set_info(printed, {"/Title": title}, "mi-courseware", created, modified)
    printed.Root.Lang = pikepdf.String(language)
    printed.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for source in sources:
        source.close()


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
