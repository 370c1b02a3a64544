"""Worker processes and temporary folders: what every pool and every render relies on."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from mi_courseware.workers import WorkerPool, private_tmp


def test_temporary_folders_of_renders_at_once_neither_nest_nor_change_the_process() -> None:
    """Two renders at once (``serve`` threads) each have a folder of their own: neither is
    made inside the other, and the process's temporary folder stays what it was."""
    before = tempfile.gettempdir()
    with private_tmp() as first:
        with private_tmp() as second:
            assert tempfile.gettempdir() == before
            assert not second.is_relative_to(first) and not first.is_relative_to(second)
        assert first.is_dir() and not second.exists()
        assert tempfile.gettempdir() == before
    assert not first.exists() and tempfile.gettempdir() == before


def test_a_pool_made_in_a_thread_that_ends_keeps_its_workers() -> None:
    """The kernel ends a worker when the thread that forked it ends (``PR_SET_PDEATHSIG``):
    a pool made in a short-lived thread (a ``serve`` request) is forked from one that lasts."""
    made: list[WorkerPool] = []

    def make() -> None:
        pool = WorkerPool("test", 1)
        pool.submit(os.getpid).result(timeout=60)  # the worker is tied to its parent by now
        made.append(pool)

    thread = threading.Thread(target=make)
    thread.start()
    thread.join()
    pool = made[0]
    try:
        assert pool.submit(os.getpid).result(timeout=60) == pool.pids[0]
        assert Path(f"/proc/{pool.pids[0]}").exists()
    finally:
        pool.kill()
    assert not Path(f"/proc/{pool.pids[0]}").exists()
