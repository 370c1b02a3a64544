"""The certificates' shared design rendered in a process started before the project is read.

Rendering the shared background (:mod:`.background`) first imports the PDF engine (about a
third of a second) and then lays the design out once (about a fifth of a second), while the
rest of ``certificates`` waits for it. Started when the command starts, one worker process
imports the engine while this process reads, checks and resolves the project; given the
edition, it lays the design out while this process subsets the personal fonts. What comes
back is the plain data :func:`~.background.render_background` gives (or the design's own
failure, raised here), and the background is prepared from it as if rendered here. The
command's own process never imports the PDF engine (a certificate rendered whole imports it
in its certificate worker).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mi_courseware.workers import WorkerPool, cores, forking

if TYPE_CHECKING:
    from mi_courseware.certificates.background import PageRender
    from mi_courseware.core.edition import Edition


class EarlyBackground:
    """One worker process that lays out an edition's certificate background when asked.

    Use it as a context manager around the build: it is stopped when the block ends (at
    once when the block fails). A copy sent to another process has no worker: the run there
    renders its background itself.
    """

    def __init__(self, jobs: int = 0) -> None:
        """Start the worker, unless the run has one core to work on (``jobs``: ``--jobs``,
        0 for every core), where it would only take turns with this process."""
        self.pool: WorkerPool | None = None
        self.running: WorkerPool | None = None  # rendering: waited for by the run
        if forking() and cores(jobs) > 1:
            self.pool = WorkerPool("certificate background", 1, warm=_import_engine)

    def render(self, edition: Edition) -> Callable[[], PageRender] | None:
        """Start rendering ``edition``'s background in the worker; returns how to wait for
        it (``None``: no worker here, or it was used already: the caller renders it). The
        worker ends once its result is in: it serves one background."""
        pool, self.pool = self.pool, None
        if pool is None:
            return None
        future = pool.submit(_render, edition)
        self.running = pool

        def wait() -> PageRender:
            try:
                rendered = future.result()
            except BaseException:
                pool.kill()
                raise
            finally:
                self.running = None
            pool.close()
            return rendered

        return wait

    def __enter__(self) -> EarlyBackground:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        """Stop the worker where it is: a background not waited for is no longer wanted."""
        for pool in (self.pool, self.running):
            if pool is not None:
                pool.kill()
        self.pool = self.running = None

    def __getstate__(self) -> dict[str, Any]:
        return {"pool": None, "running": None}  # a worker process is not sent along


def _render(edition: Edition) -> PageRender:
    """In the worker: lay ``edition``'s design out (the caller need not import the module
    that does it first)."""
    from mi_courseware.certificates.background import render_background_of

    return render_background_of(edition)


def _import_engine() -> None:
    """Import what rendering the background takes, while the parent reads the project, and
    lay out a line of text once: the engine's first layout also sets up what every later
    one reuses (the C declarations its font library is called through, its own stylesheet),
    a fifth of a second that is then not spent waiting."""
    from weasyprint import HTML

    import mi_courseware.certificates.background
    import mi_courseware.rendering.pdf  # noqa: F401

    # no @font-face, no image, no link: nothing is read or fetched, and WeasyPrint makes no
    # folder of copied fonts for it (it makes one only for a web font)
    HTML(string="<p>Aa <b>Bb</b> <i>Cc</i> 12</p>").render().write_pdf()
