"""Worker processes and temporary files that never outlive the build that made them.

- A worker asks the kernel to end it when its parent dies (Linux ``PR_SET_PDEATHSIG``), so a
  build killed with ``kill -9`` leaves no worker blocked on a pipe.
- Temporary folders carry the process id in their names; a later build removes those whose
  process is gone (a killed build cannot clean up after itself).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.errors import plural

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)

#: Prefix of every temporary folder of ours under the system's temporary folder.
TMP_PREFIX = "mi-courseware-"
_PR_SET_PDEATHSIG = 1


def worker_init() -> None:
    """Run first in every worker process: die when the parent dies."""
    if hasattr(os, "getppid") and os.uname().sysname == "Linux":
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    parent = os.getppid()
    if parent == 1:  # the parent died before the line above took effect
        os._exit(1)


def stop_pool(executor: ProcessPoolExecutor) -> None:
    """Stop a pool's worker processes at once, whatever they are doing, and see them gone
    (the pool keeps no public list of its processes: ``_processes`` is read if there)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join()
    executor.shutdown(wait=False, cancel_futures=True)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (on this machine)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def owner_pid(name: str, prefix: str) -> int | None:
    """The process id written into a folder name ``<prefix><pid>-...``, if any."""
    rest = name[len(prefix) :] if name.startswith(prefix) else ""
    digits = rest.split("-", 1)[0]
    return int(digits) if digits.isdigit() else None


def remove_stale(folder: Path, prefix: str, what: str) -> list[Path]:
    """Remove ``<prefix>*`` folders in ``folder`` whose process has gone; say so."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.glob(f"{prefix}*")):
        pid = owner_pid(path.name, prefix)
        if pid is None or pid == os.getpid() or pid_alive(pid):
            continue  # not named by a process of ours, or its process is still running
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    if removed:
        log.warning(
            "removed %s left by an interrupted build (%s)",
            plural(len(removed), what[:-1], what),
            ", ".join(p.name for p in removed),
        )
    return removed


_tmp_lock = threading.Lock()


@contextmanager
def private_tmp() -> Iterator[Path]:
    """A fresh temporary folder that is also the process's default one while inside.

    Libraries that make temporary files of their own (WeasyPrint copies every web font into
    a ``weasyprint-*`` folder and removes it only when garbage-collected, which a worker
    process never reaches) make them in here, and everything goes when the block ends.
    """
    base = Path(tempfile.gettempdir())
    remove_stale(base, TMP_PREFIX, "temporary folders")
    folder = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=base))
    with _tmp_lock:
        previous = tempfile.tempdir
        tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        with _tmp_lock:
            tempfile.tempdir = previous
        shutil.rmtree(folder, ignore_errors=True)
