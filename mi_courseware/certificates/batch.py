"""Rendering a run's certificates, spread over the machine's cores.

The shared design is rendered once (:mod:`.background`); then batches of people go to worker
processes (forked, so they inherit the design, the background and the fonts), and each
certificate is set on the background (:mod:`.setter`, :mod:`.writer`). A certificate the
setter cannot make exactly (:class:`~.setter.NotSettable`) is rendered whole by WeasyPrint
instead, and the run logs who and why; so does a design the background cannot read, for
every certificate of the run. ``whole=True`` forces the whole-page path (tests compare the
two). At most two batches per worker are in flight, so memory stays flat however long the
roster is; files are flushed to disk before they are renamed into place.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.certificates.common import Person
from mi_courseware.certificates.design import Design
from mi_courseware.workers import WorkerPool, cores, forking

if TYPE_CHECKING:
    from mi_courseware.certificates.background import Background, PageRender

log = logging.getLogger(__name__)
logging.getLogger("pikepdf").setLevel(logging.WARNING)  # it announces itself at INFO

MAX_BATCH = 50
"""Certificates per batch sent to a worker."""
WRITERS = 4
"""Threads per worker writing and flushing files: the file system commits flushes that wait
together at once (one file flushed at a time took 0.3 to 2 ms each here, four at a time
0.2 ms), so a busy disk does not hold the certificates back."""

_STATE: dict[str, Any] = {}  # the run's design, background and writer (inherited by forks)


@dataclass(frozen=True)
class Rendered:
    """One certificate PDF written to the run's temporary folder."""

    number: str
    path: Path
    sha256: str
    personal: bytes | None = None  # a set page's compressed personal stream (print file)


@dataclass
class Outcome:
    """What a batch produced, and which certificates went the whole-page way (and why)."""

    rendered: list[Rendered] = field(default_factory=list)
    whole: list[tuple[str, str, str]] = field(default_factory=list)  # number, name, reason


@dataclass
class Results:
    """Every certificate rendered in a run."""

    rendered: dict[str, Rendered] = field(default_factory=dict)
    whole: dict[str, str] = field(default_factory=dict)  # number -> reason
    background: bytes | None = None  # the page set pages were drawn on


def write_synced(path: Path, data: bytes) -> None:
    """Write ``data`` and flush it to disk (it is renamed into place later)."""
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def make_one(person: Person, reason: str | None) -> tuple[bytes, bytes | None, str | None]:
    """One certificate's PDF, its personal stream when it was set, and why it was rendered
    whole (None when it was set)."""
    from mi_courseware.certificates.qr import qr_drawing
    from mi_courseware.certificates.setter import NotSettable, personal_content
    from mi_courseware.certificates.writer import PageWriter, whole_page

    design: Design = _STATE["design"]
    info = design.pdf_info(person)
    url = design.edition.brand.verify_url
    url = url.replace("{code}", person.code) if url else None
    background = _STATE.get("background")
    if reason is None and background is not None:
        try:
            fonts = {"bold": design.name_font, "regular": design.text_font}
            content = personal_content(background, design.lines(person), fonts)
        except NotSettable as exc:
            reason = str(exc)
        else:
            if url and background.qr:
                content += b"\n" + qr_drawing(url, background.qr, background.dark)
            if "writer" not in _STATE:
                _STATE["writer"] = PageWriter(background)
            data, personal = _STATE["writer"].write(info, content, url)
            return data, personal, None
    html = design.html(person, "page")
    data = whole_page(html, info, design.base, design.allowed, design.template_path)
    return data, None, reason or "the design is rendered whole for every certificate"


def render_batch(people: list[Person], folder: Path, forced: str | None) -> Outcome:
    """Render one batch (in a worker or in this process).

    Files are written and flushed to disk by threads while the next ones are made; all of
    them are on disk when this returns.
    """
    from concurrent.futures import ThreadPoolExecutor

    outcome = Outcome()
    with ThreadPoolExecutor(max_workers=WRITERS) as disk:
        writes = []
        for person in people:
            data, personal, reason = make_one(person, forced)
            path = folder / f"{person.number}.pdf"
            writes.append(disk.submit(write_synced, path, data))
            digest = hashlib.sha256(data).hexdigest()
            outcome.rendered.append(Rendered(person.number, path, digest, personal))
            if reason is not None:
                outcome.whole.append((person.number, person.name, reason))
        for write in writes:
            write.result()  # a failed write fails the batch
    return outcome


def groups(people: list[Person], workers: int) -> list[list[Person]]:
    """Even batches across workers, at most :data:`MAX_BATCH` each."""
    if not people:
        return []
    size = max(1, min(MAX_BATCH, math.ceil(len(people) / (2 * workers))))
    return [people[i : i + size] for i in range(0, len(people), size)]


def prepare(design: Design, rendering: Callable[[], PageRender] | None = None) -> Background | str:
    """The run's background, or why every certificate is rendered whole (``rendering``: how
    to wait for it when a worker renders it, :mod:`.early`).

    Raises ``ContentError`` for a design whose text does not fit its page.
    """
    from mi_courseware.certificates.background import DesignMismatch, build_background

    try:
        return build_background(design, rendering)
    except DesignMismatch as exc:
        log.info("certificates: every certificate is rendered whole: %s", exc)
        return f"the design cannot be set on a shared background ({exc})"


def render_all(
    design: Design,
    people: list[Person],
    folder: Path,
    jobs: int,
    progress: Callable[[int], None] | None = None,
    *,
    whole: bool = False,
    prepared: Background | str | None = None,
) -> Results:
    """Render every certificate in ``people`` into ``folder`` (``whole``: every one whole;
    ``prepared``: the result of :func:`prepare`, when the caller has it already)."""
    _STATE.clear()
    _STATE["design"] = design
    forced = "whole pages were asked for" if whole else None
    if people and not whole:
        prepared = prepared if prepared is not None else prepare(design)
        if isinstance(prepared, str):
            forced = prepared
        else:
            _STATE["background"] = prepared
    results = Results()
    if "background" in _STATE:
        results.background = _STATE["background"].pdf
    for outcome in _run(groups(people, cores(jobs)), folder, forced, cores(jobs)):
        results.rendered.update({r.number: r for r in outcome.rendered})
        for number, name, reason in outcome.whole:
            results.whole[number] = reason
            log.info("certificate %s (%s) rendered as a whole page: %s", number, name, reason)
        if progress:
            progress(len(outcome.rendered))
    return results


def _run(
    batches: list[list[Person]], folder: Path, forced: str | None, workers: int
) -> Iterator[Outcome]:
    if workers == 1 or len(batches) <= 1 or not forking():
        for batch in batches:
            yield render_batch(batch, folder, forced)
        return
    pending: set[Future[Outcome]] = set()
    queue = iter(batches)
    # forked workers inherit the run's state; a failure stops them at once
    with WorkerPool("certificate", min(workers, len(batches))) as pool:
        while True:
            for batch in itertools.islice(queue, max(0, 2 * workers - len(pending))):
                pending.add(pool.submit(render_batch, batch, folder, forced))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
