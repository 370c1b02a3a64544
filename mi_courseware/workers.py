"""Worker processes and temporary files that never outlive the build that made them.

- :class:`WorkerPool` is the one way the tool starts worker processes (the PDF renderer,
  the event workers, the certificate workers, ``serve``'s renderer). Each worker asks the
  kernel to end it when its parent dies (Linux ``PR_SET_PDEATHSIG``), so a command killed
  with ``kill -9`` leaves no worker blocked on a pipe.
- Temporary folders carry the process id in their names; a later build removes those whose
  process is gone (a killed build cannot clean up after itself).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from mi_courseware.errors import plural

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Prefix of every temporary folder of ours under the system's temporary folder.
TMP_PREFIX = "mi-courseware-"
_PR_SET_PDEATHSIG = 1


def worker_init(parent: int) -> None:
    """Run first in every worker process: die when the parent (process ``parent``) dies, and
    leave Ctrl-C to the parent (which stops its workers) instead of printing a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "getppid") and os.uname().sysname == "Linux":
        # the program's own symbols hold the C library's: ``find_library`` would run
        # ``ldconfig`` in every worker (a millisecond or two each)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # the parent died before the line above took effect: the worker has another parent now
    # (init, or a subreaper such as a container's first process)
    if os.getppid() != parent:
        os._exit(1)


def forking() -> bool:
    """Whether worker processes can be forked here (they inherit what the parent holds: the
    limits in force, a run's design); where they cannot, callers work in-process."""
    return "fork" in multiprocessing.get_all_start_methods()


def cores(jobs: int) -> int:
    """Worker count for ``--jobs`` (0 means every core this process may use)."""
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class WorkerPool:
    """Forked worker processes, every one started when the pool is made and tied to its
    parent (:func:`worker_init`); their ids are logged at debug level (``-vv``).

    The kernel ends a worker when the *thread* that forked it ends, not only the process, so
    the workers are always forked from a thread that lasts as long as the process: the main
    thread, or (for a pool made in a short-lived thread, such as a ``serve`` request) a
    thread of this module's that never ends. Callers check :func:`forking` first and work
    in-process where it is false.
    """

    def __init__(self, name: str, workers: int, warm: Callable[[], object] | None = None) -> None:
        """Start ``workers`` processes for ``name``'s work; each runs ``warm`` first, if given
        (importing what the work needs while the parent does something else)."""
        self.name = name
        self.workers = workers
        self.executor = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=worker_init,
            initargs=(os.getpid(),),
        )
        _in_lasting_thread(lambda: self._launch(warm))
        self.pids = sorted(p.pid for p in _processes(self.executor) if p.pid is not None)
        log.debug("%s workers started (pids %s)", name, ", ".join(map(str, self.pids)))
        pause_at(f"{name} workers")

    def _launch(self, warm: Callable[[], object] | None) -> None:
        # with fork, the first task submitted starts every worker at once
        for _ in range(self.workers if warm is not None else 1):
            self.executor.submit(warm or _nothing)

    def sentinels(self) -> list[int]:
        """What becomes ready when a worker ends (for ``multiprocessing.connection.wait``)."""
        return [process.sentinel for process in _processes(self.executor)]

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``function(*args)`` in a worker."""
        return self.executor.submit(function, *args)

    def kill(self) -> None:
        """Stop the workers at once, whatever they are doing, and see them gone."""
        processes = _processes(self.executor)
        for process in processes:
            process.kill()
        # the pool's own thread sees its workers gone and reaps them: wait for it before
        # reaping what is left (two threads waiting for one process can leave it listed as
        # running)
        self.executor.shutdown(wait=True, cancel_futures=True)
        for process in processes:
            process.join()

    def close(self) -> None:
        """Let the workers finish what they were given (nothing queued is started), then end."""
        self.executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        """Closed when the block ends normally; stopped at once when it fails."""
        if kind is None:
            self.close()
        else:
            self.kill()


def _nothing() -> None:
    """A first task: it makes the pool start its workers."""


def _processes(executor: ProcessPoolExecutor) -> list[multiprocessing.Process]:
    # the pool keeps no public list of its processes: ``_processes`` is read if there
    return list((getattr(executor, "_processes", None) or {}).values())


_lasting: queue.SimpleQueue[tuple[Callable[[], object], Future[object]]] | None = None
_lasting_lock = threading.Lock()


def _in_lasting_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread that lasts as long as the process, and return its result:
    this one when it is the main thread, else a thread of this module's started once."""
    global _lasting
    if threading.current_thread() is threading.main_thread():
        return work()
    with _lasting_lock:
        if _lasting is None:
            _lasting = queue.SimpleQueue()
            threading.Thread(target=_serve_lasting, args=(_lasting,), daemon=True).start()
        asked = _lasting
    done: Future[Any] = Future()
    asked.put((work, done))
    return done.result()  # type: ignore[no-any-return]


def _serve_lasting(asked: queue.SimpleQueue[tuple[Callable[[], object], Future[object]]]) -> None:
    while True:
        work, done = asked.get()
        try:
            done.set_result(work())
        except BaseException as exc:  # handed to whoever asked
            done.set_exception(exc)


#: Test hook: ``MI_COURSEWARE_TEST_PAUSE=<step>`` makes a run stop at the first call of
#: :func:`pause_at` for that step (``reserve``, ``stage`` or ``promote`` in the register,
#: ``<name> workers`` when a :class:`WorkerPool` has started), say so on standard error and
#: wait for a signal, so that a test can kill it at a known step instead of at a random moment.
PAUSE = "MI_COURSEWARE_TEST_PAUSE"


def pause_at(step: str) -> None:
    """Stop here when the test hook :data:`PAUSE` names ``step`` (see above)."""
    if os.environ.get(PAUSE) != step:
        return
    sys.stderr.write(f"mi-courseware: test pause at {step}\n")
    sys.stderr.flush()
    while True:  # until the test's SIGKILL
        signal.pause()


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


@contextmanager
def private_tmp() -> Iterator[Path]:
    """A fresh temporary folder, removed with everything in it when the block ends.

    Nothing process-wide changes (``tempfile.tempdir`` stays as it is), so any number of
    threads may each have one at once; work that makes temporary files is told the folder.
    """
    base = Path(tempfile.gettempdir())
    remove_stale(base, TMP_PREFIX, "temporary folders")
    folder = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
