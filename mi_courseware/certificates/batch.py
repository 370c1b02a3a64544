"""Rendering certificates in batches, spread over the machine's cores.

The shared design is rendered once (:mod:`.layers`); then batches of personal layers, each one
WeasyPrint document, go to a pool of worker processes that write each certificate's file.
At most two batches per worker are in flight and a batch's HTML is made only when it is sent,
so memory stays flat however long the roster is. A certificate the layered path cannot vouch
for is rendered again as a whole page (:func:`render_pages`), in a batch of its own kind.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mi_courseware.certificates.design import Design, PdfInfo, Person
from mi_courseware.certificates.fit import covers

MAX_BATCH = 25
"""Certificates per WeasyPrint document."""

_SHARED: Any = None  # the run's Shared, set before workers start (inherited or initialised)


@dataclass(frozen=True)
class Batch:
    """What a worker needs: HTML, paths and each certificate's metadata (no Edition)."""

    mode: str  # "direct" (set here), "personal" (layered) or "page" (whole certificates)
    html: str
    base: Path
    roots: tuple[Path, ...]
    asked_by: Path
    infos: tuple[PdfInfo, ...]
    urls: tuple[str | None, ...]
    folder: Path
    lines: tuple[dict[str, Any], ...] = ()  # "direct": each person's lines


@dataclass(frozen=True)
class Rendered:
    """One certificate PDF written to the run's temporary folder."""

    number: str
    path: Path
    sha256: str


@dataclass
class Outcome:
    """What a batch produced, and which of its certificates need whole pages."""

    rendered: list[Rendered] = field(default_factory=list)
    layers: list[Any] = field(default_factory=list)
    retry: list[str] = field(default_factory=list)


def write_synced(path: Path, data: bytes) -> None:
    """Write ``data`` and flush it to disk (it is renamed into place later)."""
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def render_pages(batch: Batch) -> Outcome:
    """Whole certificates: one WeasyPrint document, cut into a PDF per page."""
    from mi_courseware.certificates.pdfsplit import split
    from mi_courseware.rendering.pdf import render_pdf

    data = render_pdf(
        batch.html,
        base=batch.base,
        roots=list(batch.roots),
        asked_by=batch.asked_by,
        identifier="certificates",
    )
    outcome = Outcome()
    for info, pdf in zip(batch.infos, split(data, list(batch.infos)), strict=True):
        path = batch.folder / f"{info.number}.pdf"
        write_synced(path, pdf)
        outcome.rendered.append(Rendered(info.number, path, hashlib.sha256(pdf).hexdigest()))
    return outcome


def render_batch(batch: Batch) -> Outcome:
    """Render one batch (in a worker or in this process)."""
    if batch.mode == "page":
        return render_pages(batch)
    if batch.mode == "direct":
        from mi_courseware.certificates.assemble import render_direct

        done, layers = render_direct(
            _SHARED, list(batch.infos), list(batch.urls), list(batch.lines), batch.folder
        )
        return Outcome([Rendered(n, p, h) for n, p, h in done], layers)
    from mi_courseware.certificates.assemble import render_layers
    from mi_courseware.certificates.layers import render_document

    data, _ = render_document(
        batch.html, base=batch.base, roots=batch.roots, asked_by=batch.asked_by, compressed=False
    )
    done, layers, failed = render_layers(
        _SHARED, data, list(batch.infos), list(batch.urls), batch.folder
    )
    return Outcome(
        [Rendered(n, p, h) for n, p, h in done], layers, [batch.infos[i].number for i in failed]
    )


def cores(jobs: int) -> int:
    """Worker count for ``--jobs`` (0 means every core this process may use)."""
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def groups(people: list[Person], workers: int) -> list[list[Person]]:
    """Even batches across workers, at most :data:`MAX_BATCH` each."""
    if not people:
        return []
    size = max(1, min(MAX_BATCH, math.ceil(len(people) / workers)))
    return [people[i : i + size] for i in range(0, len(people), size)]


def _initialise(shared: Any) -> None:
    global _SHARED
    _SHARED = shared


@dataclass
class Results:
    """Every certificate rendered in a run, and what the print file needs."""

    rendered: dict[str, Rendered] = field(default_factory=dict)
    layers: dict[str, Any] = field(default_factory=dict)
    shared: Any = None


def render_all(
    design: Design,
    people: list[Person],
    folder: Path,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """Render every certificate in ``people`` into ``folder``."""
    from mi_courseware.certificates.calibrate import calibrate, lines_of
    from mi_courseware.certificates.layers import LayerMismatch, build_shared

    results = Results()
    try:
        results.shared = build_shared(design) if people else None
    except LayerMismatch:
        results.shared = None  # a theme the layered path does not understand: whole pages
    shared = results.shared
    if shared is not None:
        shared.direct = calibrate(design, shared)
    _initialise(shared)
    lines: dict[str, dict[str, Any]] = {}
    if shared is not None and shared.direct is not None:
        for person in people:
            found = lines_of(design, shared.direct, person)
            if found is not None:
                lines[person.number] = found
    direct = [p for p in people if p.number in lines]
    layered = [
        p for p in people if shared is not None and p.number not in lines and shared.covers(p)
    ]
    whole = [p for p in people if p not in layered and p.number not in lines]
    workers = cores(jobs)
    by_number = {p.number: p for p in people}
    plan = [("direct", g) for g in groups(direct, workers)]
    plan += [("personal", g) for g in groups(layered, workers)]
    # a name the font lacks uses a system fallback font, shared by a whole document: alone
    plan += [("page", [p]) for p in whole if not covers(p.name, design.name_font)]
    plan += [
        ("page", g) for g in groups([p for p in whole if covers(p.name, design.name_font)], workers)
    ]

    def make(mode: str, group: list[Person]) -> Batch:
        if mode == "direct":
            url = design.edition.brand.verify_url
            return Batch(
                mode,
                "",
                design.base,
                tuple(design.roots),
                design.template_path,
                tuple(design.pdf_info(p) for p in group),
                tuple(url.replace("{code}", p.code) if url else None for p in group),
                folder,
                tuple(lines[p.number] for p in group),
            )
        sheets = [design.sheet(p, mode) for p in group]
        return Batch(
            mode,
            design.html(group, mode),
            design.base,
            tuple(design.roots),
            design.template_path,
            tuple(design.pdf_info(p) for p in group),
            tuple(s.url for s in sheets),
            folder,
        )

    for outcome in _run(plan, make, workers, shared):
        results.rendered.update({r.number: r for r in outcome.rendered})
        results.layers.update({layer.number: layer for layer in outcome.layers})
        if progress:
            progress(len(outcome.rendered))
        for number in outcome.retry:
            retry = make("page", [by_number[number]])
            again = render_pages(retry)
            results.rendered.update({r.number: r for r in again.rendered})
            if progress:
                progress(len(again.rendered))
    return results


def _context() -> multiprocessing.context.BaseContext:
    # fork shares the imported modules and the run's Shared; elsewhere spawn is the safe choice
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def _run(
    plan: list[tuple[str, list[Person]]],
    make: Callable[[str, list[Person]], Batch],
    workers: int,
    shared: Any,
) -> Iterator[Outcome]:
    if workers == 1 or len(plan) <= 1:
        for mode, group in plan:
            yield render_batch(make(mode, group))
        return
    pending: set[Future[Outcome]] = set()
    queue = iter(plan)
    with ProcessPoolExecutor(
        max_workers=min(workers, len(plan)),
        mp_context=_context(),
        initializer=_initialise,
        initargs=(shared,),
    ) as pool:
        try:
            while True:
                while len(pending) < 2 * workers:
                    item = next(queue, None)
                    if item is None:
                        break
                    pending.add(pool.submit(render_batch, make(*item)))
                if not pending:
                    break
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        except BaseException:
            for future in pending:
                future.cancel()
            raise
