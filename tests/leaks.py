"""Find a planted secret in what a build wrote, wherever a document could hide it.

Raw bytes are not enough: a PDF's streams and attachments are compressed, a self-contained
HTML page carries files as base64 ``data:`` addresses, and a deck or Word file is a zip of
compressed parts. Each output is opened through its own structure and every layer decoded.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_to_bytes

_DATA = re.compile(rb"data:([^,\"')\s]*),([^\"')\s<>]*)")


def decoded_data_uris(data: bytes) -> Iterator[bytes]:
    """The contents of every ``data:`` address in ``data`` (nested ones too)."""
    for match in _DATA.finditer(data):
        head, body = match.group(1), match.group(2)
        try:
            inner = (
                base64.b64decode(body + b"=" * (-len(body) % 4))
                if head.endswith(b";base64")
                else unquote_to_bytes(body)
            )
        except ValueError:
            continue
        yield inner
        yield from decoded_data_uris(inner)


def pdf_layers(data: bytes) -> Iterator[bytes]:
    """Every decoded stream and embedded file of a PDF (pikepdf)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    yield obj.read_bytes()
                except pikepdf.PdfError:
                    yield obj.read_raw_bytes()
        for name, spec in pdf.attachments.items():
            yield name.encode()
            yield spec.get_file().read_bytes()


def layers(path: Path) -> Iterator[bytes]:
    """The file's bytes and everything decoded out of them."""
    data = path.read_bytes()
    yield data
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        yield from pdf_layers(data)
    elif suffix in (".pptx", ".docx", ".xlsx", ".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for name in package.namelist():
                part = package.read(name)
                yield part
                yield from decoded_data_uris(part)
    yield from decoded_data_uris(data)


def holders(folder: Path, secret: str) -> list[str]:
    """The files under ``folder`` whose decoded layers hold ``secret`` (UTF-8 or UTF-16)."""
    needles = [secret.encode(), secret.encode("utf-16-be")]
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(needle in layer for layer in layers(path) for needle in needles):
            found.append(path.relative_to(folder).as_posix())
    return found
