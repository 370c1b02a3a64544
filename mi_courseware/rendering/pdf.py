"""HTML to PDF through WeasyPrint: tagged, with metadata, deterministic, resources fenced in."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from mi_courseware.rendering.fetcher import Fence, check_stylesheets, make_fetcher


def pdf_options(identifier: str) -> dict[str, Any]:
    """WeasyPrint options every document of ours uses."""
    return {
        "pdf_tags": True,  # structure tree for screen readers
        "pdf_identifier": hashlib.sha256(identifier.encode()).hexdigest()[:32].encode(),
        "custom_metadata": True,
    }


def metadata_head(title: str, author: str, when: datetime, language: str,
                  keywords: str = "") -> dict[str, str]:
    """``<meta>`` values WeasyPrint copies into the PDF's document information."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "title": title,
        "author": author,
        "keywords": keywords,
        "generator": "mi-courseware",
        "dcterms.created": stamp,
        "dcterms.modified": stamp,
        "language": language,
    }


def render_pdf(
    html: str,
    *,
    base: Path,
    roots: list[Path],
    asked_by: Path,
    identifier: str,
) -> bytes:
    """Render ``html`` to PDF bytes; only files under ``roots`` may be loaded."""
    from weasyprint import HTML

    fence = Fence(roots, asked_by)
    check_stylesheets(html, fence)
    document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=make_fetcher(fence))
    # one image cache per document: the logo in every running header is decoded once
    data = document.render(cache={}).write_pdf(**pdf_options(identifier))
    fence.check()
    assert isinstance(data, bytes)
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
