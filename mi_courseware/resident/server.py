"""The resident build server: import everything once, then fork a child for each command.

One server per user and installation (:func:`mi_courseware.resident.address`), held by a lock
file for its whole life, so two ``daemon start`` calls at once end with one server. It is a
single thread (a fork of a threaded process is unsafe) around one ``select`` loop: the
listening socket, one connection per running command (its client going away interrupts the
command, as Ctrl-C would) and a wake-up pipe for ``SIGCHLD`` and ``SIGTERM``. It stops after
``idle`` seconds with nothing to do, on ``daemon stop`` or ``SIGTERM`` (after the commands
still running end), and at the first request whose code fingerprint is not its own.

While no command runs, it makes the next command's process ahead (:mod:`.spare`).
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import gc
import importlib
import json
import logging
import os
import selectors
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import cast

from mi_courseware import resident
from mi_courseware.resident import spare, wire

log = logging.getLogger(__name__)

#: Runs one command (the arguments after the program's name) and gives its exit code.
Runner = Callable[[list[str]], int]
#: Imported ahead only if asked for by name: tools the commands never load while they run.
#: The longest a request may take to arrive whole, in seconds.
READING = 5.0
#: Held back while a command's process is forked.
_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD}
_SKIP = ("mi_courseware.__main__", "mi_courseware.resident", "tkinter", "IPython")


def warm_up() -> list[str]:
    """Import every module of the package and every library it imports anywhere (also inside
    functions, where the heavy ones are); the names that could not be imported."""
    root = Path(resident.package())
    names: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        names.add(module.removesuffix(".__init__"))
        tree = ast.parse(path.read_bytes(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    failed = []
    for name in sorted(names):
        if name.startswith(_SKIP) or name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except Exception as exc:  # an optional library not installed: commands say so
            failed.append(f"{name} ({type(exc).__name__})")
    for work in resident.AHEAD:
        work()
    return failed


class Server:
    """The waiting process and its running commands."""

    def __init__(
        self,
        listener: socket.socket,
        lock: int,
        run: Runner,
        idle: float,
        facts: tuple[str, str],
    ) -> None:
        self.listener = listener
        self.lock = lock
        self.run = run
        self.idle = idle
        #: the code fingerprint and start-up environment, taken before importing anything
        self.code, self.startup = facts
        self.started = time.time()
        self.served = 0
        self.stopping = False
        self.children: dict[int, socket.socket] = {}
        #: The next command's process, made while no command runs (``None``: none now).
        self.spare: spare.Spare | None = None
        #: Whether spares are made (not with ``MI_COURSEWARE_SPARE=0``, nor after one ended
        #: unasked: it would again).
        self.spares = spare.wanted()
        self.selector = selectors.DefaultSelector()
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_read, False)
        os.set_blocking(self.wake_write, False)

    def serve(self) -> None:
        """Answer requests until stopped or idle for too long."""
        signal.set_wakeup_fd(self.wake_write)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.selector.register(self.wake_read, selectors.EVENT_READ, "wake")
        deadline = time.monotonic() + self.idle
        while True:
            if self.stopping:
                self._drop_spare()
            elif self.spare is None and not self.children and self.spares:
                self._prepare()
            if self.stopping and self.listener.fileno() >= 0:
                # gone at once, for clients (they run here) and for a new start (it awaits
                # the lock, which says so, while the commands still running end)
                self.selector.unregister(self.listener)
                _unlink(self.listener)
                self.listener.close()
                _mark(self.lock, "stopping")
            if self.stopping and not self.children:
                return
            timeout = None if self.children or self.stopping else deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                log.info("idle for %.0f s: stopping", self.idle)
                return
            for key, _ in self.selector.select(timeout):
                if key.data == "accept":
                    self._accept()
                elif key.data == "wake":
                    while True:
                        try:
                            if not os.read(self.wake_read, 512):
                                break
                        except BlockingIOError:
                            break
                elif key.data == "spare":
                    self._spare_event()
                else:
                    self._client_event(key.fileobj, key.data)  # type: ignore[arg-type]
            if self._reap() and not self.children:
                deadline = time.monotonic() + self.idle

    def _stop(self, signum: int, frame: object) -> None:
        self.stopping = True

    def _prepare(self) -> None:
        """Fork the next command's process ahead (:class:`~.spare.Spare`)."""
        run = partial(self._run_command, ahead=True)
        self.spare = spare.Spare.fork(self._leave_server, run, _HELD)
        self.selector.register(self.spare.channel, selectors.EVENT_READ, "spare")

    def _spare_event(self) -> None:
        """The spare said it is ready, or ended (it is then reaped as any child): then no
        other is made, since it would end again."""
        made = self.spare
        if made is None or made.heard():
            return
        log.warning(
            "the process made ahead for the next command ended (process %d): commands are "
            "forked when they come from now on",
            made.pid,
        )
        self.spare = None
        self.spares = False
        self.selector.unregister(made.channel)
        made.channel.close()

    def _drop_spare(self) -> None:
        """End the spare (the server is stopping)."""
        made, self.spare = self.spare, None
        if made is not None:
            self.selector.unregister(made.channel)
            made.end()

    def _accept(self) -> None:
        """Take one request: read it within :data:`READING` seconds in all, answer it. No
        request, however malformed, stops the server; what went wrong is logged."""
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        fds: list[int] = []
        try:
            if resident.peer_uid(conn) != os.getuid():
                conn.close()
                return
            message, fds = wire.receive(conn, time.monotonic() + READING)
            self._answer(conn, message, fds)
        except Exception as exc:
            log.warning("a request was dropped: %s", exc, exc_info=not isinstance(exc, OSError))
            with contextlib.suppress(OSError):
                conn.close()
        finally:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _answer(self, conn: socket.socket, message: dict[str, object], fds: list[int]) -> None:
        kind = message.get("kind")
        if kind in ("status", "stop"):
            if kind == "stop":
                self.stopping = True
            status = {
                "pid": os.getpid(),
                "started": self.started,
                "served": self.served,
                "running": len(self.children),
                "ahead": "ready"
                if self.spare and self.spare.ready
                else "making"
                if self.spare
                else "none",
                "current": message.get("fingerprint") == self.code,
            }
            with conn:
                conn.sendall(json.dumps(status).encode())
            return
        if kind != "run" or len(fds) != 4 or self.stopping:
            conn.close()
            return
        # another start-up first: a command with its own PYTHONPATH runs here, and the
        # server stays for the others; only other code stops it
        if message.get("startup") != self.startup or not wire.well_formed(message):
            with conn:
                conn.sendall(resident.REPLY.pack(b"L", 0))
            return
        if message.get("fingerprint") != self.code:
            log.info("a request from another installation's code: stopping")
            self.stopping = True
            with conn:
                conn.sendall(resident.REPLY.pack(b"S", 0))
            return
        pid = self._hand_to_spare(conn, message, fds)
        if not pid:
            # signals wait while the child is made and sets its own handlers (not the server's)
            signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
            try:
                pid = os.fork()
                if pid == 0:  # pragma: no cover - runs in the child, measured by its outputs
                    self._child(conn, message, fds)
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
        self.served += 1
        self.children[pid] = conn
        conn.setblocking(False)
        self.selector.register(conn, selectors.EVENT_READ, pid)
        try:
            conn.sendall(resident.REPLY.pack(b"P", pid))
        except OSError:
            os.kill(pid, signal.SIGINT)

    def _hand_to_spare(
        self, conn: socket.socket, message: dict[str, object], fds: list[int]
    ) -> int:
        """Give the command to the spare if it is ready: its process id (0: none ready)."""
        made = self.spare
        if made is None or not made.ready:
            return 0
        self.spare = None
        self.selector.unregister(made.channel)
        return made.pid if made.hand(conn, message, fds) else 0

    def _child(self, conn: socket.socket, message: dict[str, object], fds: list[int]) -> None:
        code = 1
        try:
            self._leave_server()
            self._run_command(conn, message, fds, ahead=False)
        except BaseException:
            traceback.print_exc()
            os._exit(code)

    def _leave_server(self) -> None:
        """In a command's process: the server's signal handlers, group and descriptors left."""
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # a group of its own: a Ctrl-C meant for a server in the foreground of a terminal
        # is not one for the commands it runs (theirs come through their clients)
        os.setpgid(0, 0)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
        self.selector.close()
        channels = [self.spare.channel] if self.spare is not None else []
        for sock in (self.listener, *self.children.values(), *channels):
            sock.close()
        for fd in (self.wake_read, self.wake_write, self.lock):
            os.close(fd)

    def _run_command(
        self, conn: socket.socket, message: dict[str, object], fds: list[int], *, ahead: bool
    ) -> None:
        """In a command's process (made ``ahead`` as a spare, or forked for it): take the
        caller's streams, folder and environment, run the command, hand back its exit code,
        end."""
        code = 1
        try:
            for signum in message["ignored"]:  # type: ignore[attr-defined]
                signal.signal(signum, signal.SIG_IGN)  # as the caller had them (nohup)
            for target, fd in enumerate(fds[:3]):
                os.dup2(fd, target)
            os.fchdir(fds[3])
            for fd in fds:
                os.close(fd)
            os.umask(int(message["umask"]))  # type: ignore[call-overload]
            os.environ.clear()
            os.environ.update(cast("dict[str, str]", message["env"]))
            time.tzset()
            tempfile.tempdir = None  # found again from TMPDIR (importing may have set it)
            sys.argv = ["mi-courseware", *cast("list[str]", message["argv"])]
            wire.streams()
            resident.served_by = os.getppid()
            resident.made_ahead = ahead
            code = self.run(list(message["argv"]))  # type: ignore[call-overload]
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                # no interrupt from here on (the server sends one when the client leaves,
                # which it may do as soon as it has the code): the process ends here
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
                for stream in (sys.stdout, sys.stderr):
                    with contextlib.suppress(Exception):
                        stream.flush()
                # the exit code, from here: the client need not wait while this large process
                # is taken down (the server says it again when it collects the process)
                with contextlib.suppress(OSError):
                    conn.send(resident.REPLY.pack(b"X", code))
            finally:
                os._exit(code)

    def _client_event(self, conn: socket.socket, pid: int) -> None:
        """A running command's client sent something or went away: the latter interrupts."""
        try:
            data = conn.recv(64)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.selector.unregister(conn)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGINT)

    def _reap(self) -> bool:
        """Collect the commands that ended and tell their clients; whether any did."""
        ended = False
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = self.children.pop(pid, None)
            if conn is None:
                continue
            ended = True
            code = os.waitstatus_to_exitcode(status)  # (negative: the signal that ended it)
            with contextlib.suppress(KeyError):
                self.selector.unregister(conn)
            try:
                conn.setblocking(True)
                conn.sendall(resident.REPLY.pack(b"X", code))
            except OSError:
                pass
            conn.close()
        return ended


def start(run: Runner, idle: float, foreground: bool, ready: Callable[[str], None]) -> int:
    """Start this user's server for this installation: in the background (``ready`` is
    called once it answers) or in this process (``ready`` is called, then it serves)."""
    where = resident.folder()
    os.makedirs(where, mode=0o700, exist_ok=True)
    why = resident.private(where)
    if why is not None:
        raise OSError(f"the resident server needs a folder only you can open: {why}")
    if foreground:
        return _become(run, idle, ready)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the server's own process
        os.close(reader)
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        os.chdir("/")  # (holding no folder of the caller's: each command gets its own)
        # nothing of the caller's open for hours, in the server and every command's process
        os.closerange(3, writer)
        os.closerange(writer + 1, os.sysconf("SC_OPEN_MAX"))
        null = os.open(os.devnull, os.O_RDWR)
        logged = os.open(resident.address(".log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(null, 0)
        os.dup2(logged, 1)
        os.dup2(logged, 2)
        os.close(null)
        os.close(logged)
        code = 1
        try:
            code = _become(run, idle, lambda text: _say(writer, text, close=True))
        except BaseException as exc:
            log.exception("the resident server stopped on an error")  # (into its log)
            with contextlib.suppress(OSError):
                os.write(writer, f"error: {exc}\n".encode())
        finally:
            os._exit(code)
    os.close(writer)
    os.waitpid(pid, 0)
    with os.fdopen(reader, "rb") as said:
        line = said.readline().decode().strip()
    if not line.startswith("ready"):
        raise OSError(line.removeprefix("error: ") or "the resident server did not start")
    ready(line)
    return 0


def _locked(lock: int) -> bool:
    """Take the server's lock (``False``: a server of this code runs and keeps it). A
    server of other code is asked to stop, and its lock awaited."""
    deadline = time.monotonic() + 120
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        status = resident.request("status")
        if status is not None and status.get("current"):
            return False
        stopping = os.pread(lock, 64, 0).startswith(b"stopping")
        if status is not None or stopping:  # it stops once its running commands end
            if status is not None:  # (older code)
                resident.request("stop")
            fcntl.flock(lock, fcntl.LOCK_EX)
            return True
        if time.monotonic() > deadline:
            raise OSError("another server holds the lock and does not answer")
        time.sleep(0.05)  # another start holds the lock and is still importing


def _running() -> str:
    status = resident.request("status")
    return f"process {status['pid']}" if status else "starting"


def _say(fd: int, text: str, close: bool = False) -> None:
    os.write(fd, text.encode() + b"\n")
    if close:  # said once: the starter has what it waits for
        os.close(fd)


def _become(run: Runner, idle: float, ready: Callable[[str], None]) -> int:
    """Take the lock, import everything, listen, say so, then serve."""
    path = resident.address()
    lock = os.open(resident.address(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    if not _locked(lock):
        os.close(lock)
        ready(f"ready: already running ({_running()}), {path}")
        return 0
    _mark(lock, "starting")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", force=True)
    facts = (resident.fingerprint(), resident.startup())  # the code about to be imported
    failed = warm_up()
    # what is imported stays as it is: out of the collector's sight, so that a command's
    # collections walk only its own objects (and do not touch, so copy, the shared pages)
    gc.collect()
    gc.freeze()
    if threading.active_count() > 1:  # fork() would copy a thread's locks half-held
        raise OSError(f"importing started {threading.active_count() - 1} thread(s)")
    if os.path.exists(path):
        os.unlink(path)  # a server that died without tidying up (the lock was free)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    server = Server(listener, lock, run, idle, facts)
    _mark(lock, f"serving {os.getpid()}")
    for name in failed:
        log.info("not imported ahead: %s", name)
    ready(f"ready: process {os.getpid()}, {path}")
    try:
        server.serve()
    finally:
        if listener.fileno() >= 0:
            _unlink(listener)
            listener.close()
        os.close(lock)
    return 0


def _mark(lock: int, state: str) -> None:
    """Write the server's state into its lock file (``starting``, ``serving``, ``stopping``)
    for a ``daemon start`` that finds the lock taken."""
    os.ftruncate(lock, 0)
    os.pwrite(lock, state.encode() + b"\n", 0)


def _unlink(listener: socket.socket) -> None:
    """Remove the socket file this listener is bound to (if it is still that one)."""
    path = listener.getsockname()
    with contextlib.suppress(OSError):
        if isinstance(path, str) and path:
            os.unlink(path)
