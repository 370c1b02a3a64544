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

import dataclasses
import logging
import os
import threading
import time
from concurrent.futures import Future
from functools import partial
from multiprocessing.connection import wait as wait_for
from typing import TYPE_CHECKING, Any

from mi_courseware.rendering.parts.checks import NotSplittable
from mi_courseware.rendering.parts.cut import MINIMUM_TEXT, Part, cut
from mi_courseware.rendering.parts.join import join
from mi_courseware.rendering.parts.layout import part_layout
from mi_courseware.rendering.parts.messages import Numbers, PartPlan, Report
from mi_courseware.rendering.parts.tree import Parsed, same_tree

if TYPE_CHECKING:
    from mi_courseware.rendering.parts.tree import WholeTree
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
    every worker at once, else whole.

    One document is laid out in parts at a time, and only once no other document is in the
    workers: every part must be running before any can finish, so no part may queue behind
    another document (it would wait, its time limit running, for its sibling).
    """
    from mi_courseware.rendering.pdf import _render

    pool = renderer.parts_pool()
    if pool is None or forced() == "whole":
        beside = renderer.pool is not None and renderer.workers > 1 and not renderer.lasting
        if beside and forced() != "whole":  # parts not asked for: other PDFs are being made
            log.info("%s: laid out whole, beside the build's other PDFs", options["identifier"])
        return renderer.submit(html, **options)
    future: Future[bytes] = Future()

    def run() -> None:
        try:
            with renderer.parting:
                renderer.wait_until_idle()
                data = render_in_parts(pool, renderer.channels, html, options)
            if data is None:
                data = pool.submit(_render, html, options).result()
            future.set_result(data)
        except BaseException as exc:  # handed to whoever waits, as a pool would
            future.set_exception(exc)

    renderer.track(future, pool)
    threading.Thread(target=run, name="pdf-parts", daemon=True).start()
    return future


def render_part(html: str, options: dict[str, Any], plan: PartPlan, channel: int) -> bytes:
    """In a worker: lay out one part, agreeing its numbers with the parent through the
    ``channel``-th channel the worker inherited; its last word says how it ended."""
    from mi_courseware.rendering.pdf import INHERITED, render_pdf

    talk = INHERITED[channel]
    try:
        with part_layout(plan, talk):
            data = render_pdf(html, **options, laid_out=partial(_keep_links, plan.external))
    except BaseException:
        talk.send((FAILED, plan.run))
        raise
    talk.send((DONE, plan.run))
    return data


def _keep_links(external: tuple[str, ...], rendered: Any) -> None:
    """Links to another part's anchors stay links: each such anchor is given a placeholder
    destination here, which the join replaces with the real one."""
    if external and rendered.pages:
        anchors = rendered.pages[-1].anchors
        for name in external:
            anchors.setdefault(name, (0, 0, 0, 0))


def render_in_parts(
    pool: Any, channels: list[Any], html: str, options: dict[str, Any]
) -> bytes | None:
    """The PDF of ``html`` laid out in :data:`PARTS` parts at once on ``pool``'s workers
    (at least as many); None when it is to be laid out whole (the reason logged at ``-v``)."""
    from mi_courseware.limits import current
    from mi_courseware.rendering.pdf import pdf_options

    global _runs
    identifier = options["identifier"]
    if len(html) > current().html_chars:
        return None  # laid out whole, which refuses it with the limit named
    minimum = 0 if forced() == "always" else MINIMUM_TEXT
    pieces, why = cut(html, PARTS, minimum)
    if not pieces:
        log.info("%s: laid out whole: %s", identifier, why)
        return None
    _runs += 1
    plans = [dataclasses.replace(piece.plan, run=_runs) for piece in pieces]
    futures = [
        pool.submit(
            render_part,
            piece.html,
            {**options, "identifier": f"{identifier} ({piece.name})"},
            plan,
            index,
        )
        for index, (piece, plan) in enumerate(zip(pieces, plans, strict=True))
    ]
    talk = _Talk(channels[: len(pieces)], _runs, pool.sentinels())
    reports = [talk.hear(index) for index in range(len(pieces))]
    heard = [report for report in reports if isinstance(report, Report)]
    stop = "another part stopped" if len(heard) < len(reports) else ""
    numbers: list[Numbers] = []
    if not stop:
        numbers, stop = _numbers(pieces, heard)
    told = [index for index, report in enumerate(reports) if isinstance(report, Report)]
    for index in told:
        talk.say(index, numbers[index] if not stop else Numbers(run=_runs, stop=stop))
    for index in told:
        talk.hear(index)  # its last word: done or failed
    failures = [future.exception() for future in futures]
    for failure in failures:
        if failure is not None and not isinstance(failure, NotSplittable):
            raise failure
    # a part's own reason first (the others stopped because it did)
    why = next((str(f) for f in failures if f is not None and str(f) != stop), stop)
    if not why and (talk.whole is None or not same_tree(talk.whole, [r.tree for r in heard])):
        why = "WeasyPrint's HTML parser reads it otherwise than the cut did (lxml)"
    if why:
        log.info("%s: laid out whole: %s", identifier, why)
        return None
    pdfs = [future.result() for future in futures]
    permanent = pdf_options(identifier)["pdf_identifier"]
    started = time.perf_counter()
    joined = join(pdfs, [piece.plan.external for piece in pieces], permanent)
    log.debug("%s: parts joined in %.2f s", identifier, time.perf_counter() - started)
    first, spans = 1, []
    for report in heard:
        spans.append(f"{first}–{first + report.pages - 1}")
        first += report.pages
    parts = len(pieces)
    log.info("%s: laid out in %d parts at once (pages %s)", identifier, parts, ", ".join(spans))
    return joined


#: Parts a document is cut into, whatever the number of workers (two or more): the same
#: inputs give the same bytes on a machine of any size.
PARTS = 2
#: How many documents this process has laid out in parts (each part's messages carry it).
_runs = 0
#: A part's last word.
DONE, FAILED = "done", "failed"


class _Talk:
    """The parent's side of the channels to the parts of one document."""

    def __init__(self, channels: list[Any], run: int, sentinels: list[int]) -> None:
        self.channels = channels
        self.run = run
        self.sentinels = sentinels
        #: The whole document's tree, once the first part has sent it.
        self.whole: WholeTree | None = None

    def hear(self, index: int) -> Report | str:
        """The part's next word: its report, or that it ended (``done`` or ``failed``);
        the whole document's tree, when sent meanwhile, is kept. A worker that dies ends
        the pool: its parts' futures say so."""
        channel = self.channels[index]
        while True:
            ready = wait_for([channel, *self.sentinels])
            if channel not in ready:
                return FAILED
            said = channel.recv()
            if isinstance(said, Report) and said.run == self.run:
                return said
            if isinstance(said, Parsed) and said.run == self.run:
                self.whole = said.tree
            if isinstance(said, tuple) and said[1] == self.run:
                return str(said[0])

    def say(self, index: int, numbers: Numbers) -> None:
        self.channels[index].send(numbers)


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
        numbers.append(Numbers(report.run, offsets[index], total, anchors, dict(strings)))
        strings.update(report.strings)
        running.update(report.running)
        levels += report.levels
    return numbers, ""
