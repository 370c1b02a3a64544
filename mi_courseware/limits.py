"""Bounds on the work one user file may cause: sizes checked before reading, time per render.

Course files, client pages and templates come from many hands; a mistake (or a hostile file)
must end in a quick, located error, never in a run that goes on for minutes. The limits are
generous for real courseware and can be raised from the command line (``--time-limit``,
``--size-limit``) by the few who truly need more.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from mi_courseware.errors import MiCoursewareError


@dataclass(frozen=True)
class Limits:
    """The bounds in force for this run."""

    #: Seconds one document (a pack, a guide, a deck, a certificate batch) may take to render.
    render_seconds: float = 120.0
    #: Bytes one text file (course, module, handout, page, roster, template) may hold.
    text_bytes: int = 2 * 1024 * 1024
    #: Bytes one image file (logo, signature, picture in a module) may hold.
    image_bytes: int = 10 * 1024 * 1024
    #: Pixels one raster image may decode to (a small PNG can hold a huge picture).
    image_pixels: int = 40_000_000
    #: How deeply YAML lists and maps may nest.
    yaml_depth: int = 64
    #: How deeply ``:::`` blocks may nest inside one another.
    block_depth: int = 8
    #: Rows one Markdown table may have.
    table_rows: int = 1_000
    #: Lines one Markdown document (module, handout, page) may have.
    text_lines: int = 20_000
    #: Writing lines one ``::: lines n=...`` block may ask for (a page holds about 30).
    writing_lines: int = 300
    #: Height in millimetres one ``::: box height=...`` answer box may ask for (a page: 297).
    box_millimetres: int = 1_000
    #: Characters of HTML one document may grow to before it is given to the PDF engine.
    html_chars: int = 40_000_000
    #: Rows one evaluation response file (CSV or a workbook's first sheet) may have.
    response_rows: int = 10_000
    #: Columns of a workbook's first sheet that are read.
    sheet_columns: int = 500
    #: Bytes a workbook (.xlsx) may hold, unpacked: a small zip can unpack to a huge file.
    workbook_bytes: int = 50 * 1024 * 1024

    def scaled(self, size_factor: float) -> Limits:
        """These limits with every size multiplied by ``size_factor``."""
        return replace(
            self,
            text_bytes=int(self.text_bytes * size_factor),
            image_bytes=int(self.image_bytes * size_factor),
            image_pixels=int(self.image_pixels * size_factor),
            table_rows=int(self.table_rows * size_factor),
            text_lines=int(self.text_lines * size_factor),
            writing_lines=int(self.writing_lines * size_factor),
            box_millimetres=int(self.box_millimetres * size_factor),
            html_chars=int(self.html_chars * size_factor),
            response_rows=int(self.response_rows * size_factor),
            sheet_columns=int(self.sheet_columns * size_factor),
            workbook_bytes=int(self.workbook_bytes * size_factor),
        )


_current = Limits()


def current() -> Limits:
    """The limits in force (set once by the command line, inherited by worker processes)."""
    return _current


def configure(limits: Limits) -> None:
    """Set the limits for this process (and the workers it starts afterwards)."""
    global _current
    _current = limits


def megabytes(size: int) -> str:
    """A byte count as users read it: ``2 MB``, ``512 KB``."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    return f"{max(size // 1024, 1)} KB"


class RenderTimeout(MiCoursewareError):
    """A document took longer than the time limit to render."""


@contextmanager
def time_limit(what: str, seconds: float | None = None) -> Iterator[None]:
    """Stop the work inside after ``seconds`` (default: the render limit) with a clear error.

    Uses the interval timer, so it bounds Python code run in the main thread of a process
    (the command itself, or a worker process); elsewhere the caller bounds the work by
    waiting with a timeout instead.
    """
    limit = current().render_seconds if seconds is None else seconds
    if limit <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise RenderTimeout(
            f"{what}: took longer than {limit:g} seconds to render and was stopped "
            "(something in it is far too large or loops; raise the limit with --time-limit)"
        )

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # an outer limit was running: give it what is left of its time
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
