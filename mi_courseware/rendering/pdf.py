"""HTML to PDF through WeasyPrint: tagged, with metadata, deterministic, resources fenced in."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, TimeoutError
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from mi_courseware.errors import ContentError, MiCoursewareError
from mi_courseware.limits import RenderTimeout, current, time_limit
from mi_courseware.rendering.engine_log import engine_messages
from mi_courseware.rendering.fetcher import Fence, check_stylesheets, make_fetcher
from mi_courseware.workers import private_tmp, stop_pool, worker_init


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
    """Render ``html`` to PDF bytes; only files under ``roots`` may be loaded.

    Bounded: the HTML's size, then the time the engine may take; a failure inside the engine
    (an absurd size in a stylesheet, nesting too deep) is a clear error naming the document.
    """
    limits = current()
    if len(html) > limits.html_chars:
        raise ContentError.single(
            asked_by,
            f"{identifier}: the document's HTML is larger than {limits.html_chars:,} characters "
            "(raise the limit with --size-limit)",
        )
    check_nesting(html, identifier)
    fence = Fence(roots, asked_by)
    check_stylesheets(html, fence)
    with engine_messages(asked_by, identifier):
        with guarded(identifier, "this document", "templates and stylesheets"):
            data = _weasyprint(html, base, fence, identifier)
        fence.check()
    return data


@contextmanager
def guarded(identifier: str, what: str, where: str) -> Iterator[None]:
    """Run the PDF engine as every document does: in a private temporary folder, within the
    time limit, its own failures (on what the files asked of it) turned into a clear error
    naming ``what`` failed and ``where`` to look."""
    with private_tmp(), time_limit(identifier):
        try:
            yield
        except (MiCoursewareError, KeyboardInterrupt):
            raise
        except Exception as exc:
            raise RenderError(
                f"{identifier}: the PDF engine could not lay out {what} "
                f"({type(exc).__name__}: {exc}); look for extreme sizes or nesting in the "
                f"client's and theme's {where}"
            ) from None


#: Deepest nesting of elements the PDF engine is given (its layout recurses per level).
MAX_DEPTH = 255


def check_nesting(html: str, identifier: str) -> None:
    """Refuse HTML whose elements nest deeper than any page needs (a template loop opening
    ``<div>`` after ``<div>`` would keep the PDF engine busy for many minutes)."""
    from lxml import etree

    parser = etree.HTMLParser(huge_tree=False)
    etree.fromstring(html.encode("utf-8"), parser)
    if any("Excessive depth" in error.message for error in parser.error_log):
        raise RenderError(
            f"{identifier}: the document's elements nest more than {MAX_DEPTH} deep, far more "
            "than any page can show; look for a loop in the client's or theme's templates"
        )


def _weasyprint(html: str, base: Path, fence: Fence, identifier: str) -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=make_fetcher(fence))
    # one image cache per document: the logo in every running header is decoded once
    data = document.render(cache={}).write_pdf(**pdf_options(identifier))
    assert isinstance(data, bytes)
    return data


class RenderError(MiCoursewareError):
    """The PDF engine failed on a document (the files asked for something it cannot do)."""


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
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=worker_init
            )
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

    def wait(self, future: Future[bytes], identifier: str) -> bytes:
        """The rendered PDF; a worker that overruns the time limit (stuck where the limit
        inside it cannot reach) is killed and the build stops with a clear error."""
        limit = current().render_seconds
        try:
            return future.result(timeout=limit + 30 if limit > 0 else None)
        except TimeoutError:
            self.kill()
            raise RenderTimeout(
                f"{identifier}: took longer than {limit:g} seconds to render and was stopped "
                "(raise the limit with --time-limit)"
            ) from None

    def kill(self) -> None:
        """Stop the workers at once, whatever they are doing."""
        if self.pool is not None:
            stop_pool(self.pool)
            self.pool = None

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
