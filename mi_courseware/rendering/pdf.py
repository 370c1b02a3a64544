"""HTML to PDF through WeasyPrint: tagged, with metadata, deterministic, resources fenced in."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future, TimeoutError
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from mi_courseware.errors import ContentError, MiCoursewareError
from mi_courseware.limits import RenderTimeout, current, time_limit
from mi_courseware.rendering.engine_log import engine_messages
from mi_courseware.rendering.fetcher import Fence, fence_stylesheets, make_fetcher
from mi_courseware.workers import WorkerPool, cores, forking, private_tmp

log = logging.getLogger(__name__)


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
    allowed: frozenset[Path],
    asked_by: Path,
    identifier: str,
    laid_out: Callable[[Any], None] | None = None,
) -> bytes:
    """Render ``html`` to PDF bytes; only the ``allowed`` files may be loaded.

    ``laid_out``, if given, sees the engine's laid-out document before its PDF is written.

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
    document = check_nesting(html, identifier)
    log.debug("%s: rendering the PDF (process %d)", identifier, os.getpid())
    fence = Fence(allowed, asked_by)
    fence_stylesheets(document, base, fence)
    with engine_messages(asked_by, identifier):
        with guarded(identifier, "this document", "templates and stylesheets") as fonts:
            data = _weasyprint(html, base, fence, identifier, fonts, laid_out)
        fence.check()
    return data


@contextmanager
def guarded(identifier: str, what: str, where: str) -> Iterator[Any]:
    """Run the PDF engine as every document does: within the time limit, its own failures
    (on what the files asked of it) turned into a clear error naming ``what`` failed and
    ``where`` to look. Yields the font configuration to render with (``font_config=``): it
    keeps the copies of the document's web fonts in a folder of this render's own."""
    with private_tmp() as folder, time_limit(identifier):
        try:
            yield font_config(folder)
        except (MiCoursewareError, KeyboardInterrupt):
            raise
        except Exception as exc:
            raise RenderError(
                f"{identifier}: the PDF engine could not lay out {what} "
                f"({type(exc).__name__}: {exc}); look for extreme sizes or nesting in the "
                f"client's and theme's {where}"
            ) from None


def font_config(folder: Path) -> Any:
    """WeasyPrint's font configuration, keeping the copies of web fonts it makes in ``folder``.

    Left alone, WeasyPrint makes a folder of its own through ``tempfile`` and removes it only
    when garbage-collected (which a worker process may never reach); pointing ``tempfile``
    elsewhere would change it for every thread of the process (``serve`` renders several
    documents at once). WeasyPrint makes the folder only while it has none set.
    """
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    config._folder = folder
    return config


#: Deepest nesting of elements the PDF engine is given (its layout recurses per level).
MAX_DEPTH = 255


def check_nesting(html: str, identifier: str) -> Any:
    """Refuse HTML whose elements nest deeper than any page needs (a template loop opening
    ``<div>`` after ``<div>`` would keep the PDF engine busy for many minutes). Returns the
    parsed document (lxml)."""
    from lxml import etree

    parser = etree.HTMLParser(huge_tree=False)
    document = etree.fromstring(html.encode("utf-8"), parser)
    if any("Excessive depth" in error.message for error in parser.error_log):
        raise RenderError(
            f"{identifier}: the document's elements nest more than {MAX_DEPTH} deep, far more "
            "than any page can show; look for a loop in the client's or theme's templates"
        )
    return document


def _weasyprint(
    html: str,
    base: Path,
    fence: Fence,
    identifier: str,
    fonts: Any,
    laid_out: Callable[[Any], None] | None = None,
) -> bytes:
    from weasyprint import HTML

    from mi_courseware.rendering import engine_speed

    engine_speed.install()
    document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=make_fetcher(fence))
    refuse_attachments(document, identifier)
    # one image cache per document: the logo in every running header is decoded once
    rendered = document.render(cache={}, font_config=fonts)
    check_no_attachments(rendered, identifier)
    if laid_out is not None:
        laid_out(rendered)
    data = rendered.write_pdf(**pdf_options(identifier))
    assert isinstance(data, bytes)
    return data


#: What a refused attachment says.
_ATTACHMENT = (
    "{identifier}: the templates ask to attach a file to the PDF ({what}); templates and "
    "stylesheets may not attach files (only the tool itself adds attachments)"
)


def refuse_attachments(document: Any, identifier: str) -> None:
    """Refuse ``<link rel=attachment>`` and ``<a rel=attachment>`` before any layout.

    The PDF engine would embed the file such an element names inside the PDF, where no one
    looks (a client's template could carry the register out that way). The tree checked is
    the engine's own parse of the HTML, so no markup can be read one way here and another
    way there.
    """
    for element in document.etree_element.iter():
        rel = element.get("rel") if isinstance(element.tag, str) else None
        if rel and "attachment" in rel.lower().split():
            what = f'<{element.tag} rel="{rel}" href="{element.get("href", "")}">'
            raise RenderError(_ATTACHMENT.format(identifier=identifier, what=what[:200]))


def check_no_attachments(rendered: Any, identifier: str) -> None:
    """After layout: the document holds no attachment and no link to one (what
    :func:`refuse_attachments` keeps out, checked again on the engine's result)."""
    found = list(rendered.metadata.attachments or [])
    found += [link for page in rendered.pages for link in page.links if link[0] == "attachment"]
    if found:
        raise RenderError(_ATTACHMENT.format(identifier=identifier, what="an attachment"))


class RenderError(MiCoursewareError):
    """The PDF engine failed on a document (the files asked for something it cannot do)."""


def _import_weasyprint() -> None:
    import weasyprint  # noqa: F401  (the point: pay the import while the caller works)


#: In a PDF worker: the channels its pool was made with (see :meth:`PdfRenderer._start`).
INHERITED: list[Any] = []


class PdfRenderer:
    """Renders HTML to PDF in worker processes started early.

    The workers import WeasyPrint (half a second) while the main process reads and checks the
    project and renders templates, and several documents (pack and guide) render at once on
    several cores. With one job, or where ``fork`` is unavailable, rendering stays in-process.

    ``lasting`` (``serve``): always in workers, from any thread, even with one job, so that
    the time limit (which works in a process's main thread) bounds every render; workers
    stopped after an overrun are replaced for the next document.
    """

    def __init__(self, jobs: int = 0, *, lasting: bool = False, parts: bool = True) -> None:
        self.workers = min(cores(jobs or 0), 4)
        self.lasting = lasting and forking()
        #: Whether long documents may be laid out in parts (:mod:`.parts`): several
        #: workers, not a server's (whose renders are bounded one by one), and asked for.
        self.parts = parts and not self.lasting and self.workers > 1
        self.lock = threading.Lock()
        self.pool: WorkerPool | None = None
        #: The parent's ends of the channels the workers inherited, and the workers' ends.
        self.channels: list[Any] = []
        self.inherited: list[Any] = []
        #: Held while a document is laid out in parts: one at a time.
        self.parting = threading.Lock()
        #: The pool each document went to (a pool replaced meanwhile is not stopped again).
        self.origin: weakref.WeakKeyDictionary[Future[bytes], WorkerPool] = (
            weakref.WeakKeyDictionary()
        )
        #: Documents given to the workers and not yet rendered.
        self.pending: set[Future[bytes]] = set()
        self.idle = threading.Condition(self.lock)
        if forking() and (self.workers > 1 or lasting):
            self.pool = self._start()
        elif lasting:
            log.warning(
                "PDFs are rendered in the server's own threads (this system cannot fork "
                "worker processes): --time-limit does not bound them"
            )

    def _start(self) -> WorkerPool:
        import multiprocessing

        global INHERITED
        # one channel per worker, made before the workers are forked so that each inherits
        # them (a document laid out in parts talks to its parts through them)
        count = self.workers if self.parts else 0  # else never used
        pipes = [multiprocessing.get_context("fork").Pipe() for _ in range(count)]
        self.channels = [ours for ours, _ in pipes]
        self.inherited = INHERITED = [theirs for _, theirs in pipes]
        return WorkerPool("PDF", self.workers, warm=_import_weasyprint)

    def submit(self, html: str, **options: Any) -> Future[bytes]:
        """Start rendering ``html`` (``options`` as for :func:`render_pdf`)."""
        with self.lock:
            if self.pool is None and self.lasting:
                self.pool = self._start()
            pool = self.pool
        if pool is None:
            future: Future[bytes] = Future()
            try:
                future.set_result(render_pdf(html, **options))
            except BaseException as exc:  # handed to whoever waits, as a pool would
                future.set_exception(exc)
            return future
        try:
            future = pool.submit(_render, html, options)
        except BrokenProcessPool:  # a worker died since the last document
            self._drop(pool)
            if not self.lasting:
                raise RenderError(_broken(options.get("identifier", "a document"))) from None
            return self.submit(html, **options)
        self._track(future, pool)
        return future

    def _track(self, future: Future[bytes], pool: WorkerPool) -> None:
        self.origin[future] = pool
        with self.lock:
            self.pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[bytes]) -> None:
        with self.idle:
            self.pending.discard(future)
            self.idle.notify_all()

    def parts_pool(self) -> WorkerPool | None:
        """The worker pool, when documents may be laid out in parts on it: several workers,
        not a server's (whose renders are bounded one by one), and a build of one PDF."""
        with self.lock:
            return self.pool if self.parts else None

    def wait_until_idle(self) -> None:
        """Until no document is in the workers or waiting for them (a document's parts must
        all run at once: none may queue behind another document)."""
        with self.idle:
            self.idle.wait_for(lambda: not self.pending)

    def track(self, future: Future[bytes], pool: WorkerPool) -> None:
        """Wait for ``future`` (rendered in parts by ``pool``'s workers) as for a submitted
        document; it does not count as waiting for the workers (:meth:`wait_until_idle`)."""
        self.origin[future] = pool

    def wait(self, future: Future[bytes], identifier: str) -> bytes:
        """The rendered PDF; a worker that overruns the time limit (stuck where the limit
        inside it cannot reach) is killed and the build stops with a clear error."""
        limit = current().render_seconds
        pool = self.origin.get(future)
        try:
            return future.result(timeout=limit + 30 if limit > 0 else None)
        except TimeoutError:
            self._drop(pool)
            raise RenderTimeout(
                f"{identifier}: took longer than {limit:g} seconds to render and was stopped "
                "(raise the limit with --time-limit)"
            ) from None
        except BrokenProcessPool:
            self._drop(pool)
            raise RenderError(_broken(identifier)) from None

    def _drop(self, pool: WorkerPool | None) -> None:
        """Stop ``pool``'s workers at once, unless another thread has replaced it already."""
        with self.lock:
            if pool is None or pool is not self.pool:
                return
            self.pool = None
        pool.kill()

    def kill(self) -> None:
        """Stop the workers at once, whatever they are doing."""
        self._drop(self.pool)

    def close(self) -> None:
        """Stop the workers."""
        with self.lock:
            pool, self.pool = self.pool, None
        if pool is not None:
            pool.close()
        for channel in [*self.channels, *self.inherited]:
            channel.close()
        self.channels, self.inherited = [], []


def _broken(identifier: str) -> str:
    return (
        f"{identifier}: the worker process rendering it stopped unexpectedly (was the machine "
        "out of memory?); run the command again"
    )


def _render(html: str, options: dict[str, Any]) -> bytes:
    return render_pdf(html, **options)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
