"""HTML to PDF through WeasyPrint: tagged, with metadata, deterministic, resources fenced in."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
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


def metadata_head(
    title: str, author: str, when: datetime, language: str, keywords: str = ""
) -> dict[str, str]:
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


def _import_weasyprint() -> None:
    import weasyprint  # noqa: F401  (the point: pay the import while the caller works)


class PdfRenderer:
    """Renders HTML to PDF in worker processes started early.

    The workers import WeasyPrint (half a second) while the main process reads and checks the
    project and renders templates, and several documents (pack and guide) render at once on
    several cores. With one job, or where ``fork`` is unavailable, rendering stays in-process.
    """

    def __init__(self, jobs: int = 0) -> None:
        self.workers = min(jobs or os.cpu_count() or 1, 4)
        self.pool: ProcessPoolExecutor | None = None
        if self.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context)
            for _ in range(self.workers):
                self.pool.submit(_import_weasyprint)

    def submit(self, html: str, **options: Any) -> Future[bytes]:
        """Start rendering ``html`` (``options`` as for :func:`render_pdf`)."""
        if self.pool is None:
            future: Future[bytes] = Future()
            try:
                future.set_result(render_pdf(html, **options))
            except BaseException as exc:  # handed to whoever waits, as a pool would
                future.set_exception(exc)
            return future
        return self.pool.submit(_render, html, options)

    def close(self) -> None:
        """Stop the workers."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _render(html: str, options: dict[str, Any]) -> bytes:
    return render_pdf(html, **options)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
