"""Laying out a long document in parts on the PDF workers at once, then joining them.

The parent cuts the HTML (:mod:`.cut`), gives each part to a worker with a pipe of its own,
and waits for every part's report after its first layout pass (:mod:`.layout`). From the
reports it works out what only the whole document knows (each part's first page number,
the total, where every anchor fell, the running strings at each cut) and sends each part its
numbers; the parts finish their layout and write their PDFs, which are joined (:mod:`.join`).

When a part finds the document cannot be laid out in parts (or the reports disagree with
the whole document), every part stops and the document is laid out whole, and ``-v`` says
why. A part that fails to lay out fails the document, with the part named.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from concurrent.futures import Future
from functools import partial
from multiprocessing.connection import wait as wait_for
from typing import TYPE_CHECKING, Any

from mi_courseware.rendering.parts.cut import MINIMUM_TEXT, Part, cut
from mi_courseware.rendering.parts.join import join
from mi_courseware.rendering.parts.layout import NotSplittable, Numbers, Report, part_layout

if TYPE_CHECKING:
    from mi_courseware.rendering.pdf import PdfRenderer

log = logging.getLogger(__name__)

#: Test hook: ``MI_COURSEWARE_PARTS=whole`` lays every document out whole; ``=always`` cuts
#: any document with a section to cut at, however short.
FORCE = "MI_COURSEWARE_PARTS"


def forced() -> str:
    """What :data:`FORCE` asks for: ``whole``, ``always`` or nothing."""
    return os.environ.get(FORCE, "")


def submit_in_parts(renderer: PdfRenderer, html: str, **options: Any) -> Future[bytes]:
    """Start rendering a long document (``options`` as for ``render_pdf``): in parts on
    every worker at once when the workers are free, else whole.

    Parts run only when no other document is waiting for the workers: every part must be
    running before any can finish, so parts never queue behind one another.
    """
    from mi_courseware.rendering.pdf import _render

    pool, busy = renderer.free_workers()
    if pool is None or forced() == "whole":
        if busy:
            log.info("%s: laid out whole: %s", options["identifier"], busy)
        return renderer.submit(html, **options)
    future: Future[bytes] = Future()

    def run() -> None:
        try:
            data = render_in_parts(pool, html, options, renderer.workers)
            if data is None:
                data = pool.submit(_render, html, options).result()
            future.set_result(data)
        except BaseException as exc:  # handed to whoever waits, as a pool would
            future.set_exception(exc)

    renderer.track(future, pool)
    threading.Thread(target=run, name="pdf-parts", daemon=True).start()
    return future


def render_part(html: str, options: dict[str, Any], plan: Any, channel: Any) -> bytes:
    """In a worker: lay out one part, agreeing its numbers with the parent."""
    from mi_courseware.rendering.pdf import render_pdf

    try:
        channel.send("ready")
        with part_layout(plan, channel):
            return render_pdf(html, **options, laid_out=partial(_keep_links, plan.external))
    finally:
        channel.close()


def _keep_links(external: tuple[str, ...], rendered: Any) -> None:
    """Links to another part's anchors stay links: each such anchor is given a placeholder
    destination here, which the join replaces with the real one."""
    if external and rendered.pages:
        anchors = rendered.pages[-1].anchors
        for name in external:
            anchors.setdefault(name, (0, 0, 0, 0))


def render_in_parts(pool: Any, html: str, options: dict[str, Any], parts: int) -> bytes | None:
    """The PDF of ``html`` laid out in ``parts`` parts on ``pool``'s workers at once; None
    when it is to be laid out whole (the reason logged at ``-v``)."""
    from mi_courseware.rendering.pdf import pdf_options
    from mi_courseware.workers import _processes

    identifier = options["identifier"]
    minimum = 0 if forced() == "always" else MINIMUM_TEXT
    pieces, why = cut(html, parts, minimum)
    if not pieces:
        log.info("%s: laid out whole: %s", identifier, why)
        return None
    import multiprocessing

    context = multiprocessing.get_context("fork")
    channels = [context.Pipe() for _ in pieces]
    futures = [
        pool.submit(
            render_part,
            piece.html,
            {**options, "identifier": f"{identifier} ({piece.name})"},
            piece.plan,
            theirs,
        )
        for piece, (_, theirs) in zip(pieces, channels, strict=True)
    ]
    ours = [mine for mine, _ in channels]
    workers = [process.sentinel for process in _processes(pool.executor)]
    stop = ""
    try:
        for mine, theirs in channels:
            # until a part has its end of the pipe, the parent keeps a copy open: wait for
            # its first word (or a worker's death), then let the part own its end alone
            wait_for([mine, *workers])
            theirs.close()
            if not mine.poll() or mine.recv() != "ready":
                raise _failed(futures)
        reports = [_report(mine, futures) for mine in ours]
        numbers, stop = _numbers(pieces, reports)
        for mine, given in zip(ours, numbers, strict=True):
            mine.send(given)
    except NotSplittable as exc:
        stop = stop or str(exc)
    except BaseException:
        _stop_all(ours, "another part failed")
        _settle(futures)
        raise
    if stop:
        _stop_all(ours, stop)
        _settle(futures)
        log.info("%s: laid out whole: %s", identifier, stop)
        return None
    pdfs = [future.result() for future in futures]
    for mine in ours:
        mine.close()
    permanent = pdf_options(identifier)["pdf_identifier"]
    joined = join(pdfs, [piece.plan.external for piece in pieces], permanent)
    first = 1
    spans = []
    for report in reports:
        spans.append(f"{first}–{first + report.pages - 1}")
        first += report.pages
    log.info(
        "%s: laid out in %d parts at once (pages %s)", identifier, len(pieces), ", ".join(spans)
    )
    return joined


def _report(channel: Any, futures: list[Any]) -> Report:
    try:
        report: Report = channel.recv()
    except EOFError:  # the part ended before reporting: its future says why
        raise _failed(futures) from None
    return report


def _failed(futures: list[Any]) -> BaseException:
    """The first failure among the parts (they end soon after their channel closes)."""
    for future in futures:
        if future.done() and future.exception() is not None:
            return future.exception()  # type: ignore[no-any-return]
    for future in futures:
        exception = future.exception()
        if exception is not None:
            return exception  # type: ignore[no-any-return]
    return NotSplittable("a part ended without a word")


def _stop_all(channels: list[Any], why: str) -> None:
    for channel in channels:
        with contextlib.suppress(OSError):  # that part has ended already
            channel.send(Numbers(stop=why))
        channel.close()


def _settle(futures: list[Any]) -> None:
    """Wait for every part to end (each stops when told, or has failed)."""
    for future in futures:
        future.exception()


def _numbers(pieces: list[Part], reports: list[Report]) -> tuple[list[Numbers], str]:
    """What each part is told, or why the document must be laid out whole."""
    total = sum(report.pages for report in reports)
    where: dict[str, int] = {}
    offsets = []
    offset = 0
    for report in reports:
        offsets.append(offset)
        for name, index in report.anchors.items():
            where.setdefault(name, offset + index + 1)
        offset += report.pages
    numbers = []
    strings: dict[str, str] = {}
    running: dict[str, str] = {}
    levels: list[int] = []
    for index, (piece, report) in enumerate(zip(pieces, reports, strict=True)):
        missing = [name for name in piece.plan.external if name not in where]
        if missing:
            return [], f"a reference leads to #{missing[0]}, which is not laid out"
        if index and report.carried != running:
            return [], "its running headers change before a part starts"
        if index and levels and report.levels and report.levels[0] > min(levels):
            return [], "a part would start inside a bookmark of the part before it"
        anchors = {name: where[name] for name in piece.plan.external}
        numbers.append(Numbers(offsets[index], total, anchors, dict(strings)))
        strings.update(report.strings)
        running.update(report.running)
        levels += report.levels
    return numbers, ""
