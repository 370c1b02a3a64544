"""A progress bar on the terminal while certificates render (never in logs or pipes)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(total: int, *, enabled: bool = True) -> Iterator[Callable[[int], None] | None]:
    """A function to call with each finished count, drawing a bar on stderr when it is a TTY.

    Yields ``None`` when there is nothing to draw: not a terminal, ``--quiet``, or so few
    certificates that the run is over before a bar would help.
    """
    if not enabled or total < 2 or not sys.stderr.isatty():
        yield None
        return
    import click

    with click.progressbar(
        length=total, label="Certificates", file=sys.stderr, show_pos=True, show_eta=True
    ) as bar:
        yield bar.update
