"""The resident build server: import everything once, then fork a child for each command.

One server per user and installation (:func:`mi_courseware.resident.address`), held by a lock
file for its whole life, so two ``daemon start`` calls at once end with one server. It is a
single thread (a fork of a threaded process is unsafe) around one ``select`` loop: the
listening socket, one connection per running command (its client going away interrupts the
command, as Ctrl-C would) and a wake-up pipe for ``SIGCHLD`` and ``SIGTERM``. It stops after
``idle`` seconds with nothing to do, on ``daemon stop`` or ``SIGTERM`` (after the commands
still running end), and at the first request whose code fingerprint is not its own.

A command's process shares the server's memory until it writes to it, and then the kernel
copies each page it first writes to, one at a time: about 10,000 pages, 16 ms of the demo
deck's first build. So while no command runs, the server forks the next command's process
ahead (:class:`Spare`): it copies every page at once (``MADV_POPULATE_WRITE``, a tenth of a
second spent while nothing waits), says it is ready, and waits for a command, which then
runs exactly as in a process forked for it. A command that comes while the spare is not
ready, or while another runs, is forked as before; ``-v`` says which.
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
import struct
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import cast

from mi_courseware import resident

log = logging.getLogger(__name__)

#: Runs one command (the arguments after the program's name) and gives its exit code.
Runner = Callable[[list[str]], int]
#: Imported ahead only if asked for by name: tools the commands never load while they run.
#: The signals a client may ask its command to ignore.
_PASSABLE = frozenset({int(signal.SIGINT), int(signal.SIGTERM), int(signal.SIGHUP)})
#: The longest a request may take to arrive whole, in seconds.
READING = 5.0
#: Held back while a command's process is forked.
_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD}
_SKIP = ("mi_courseware.__main__", "mi_courseware.resident", "tkinter", "IPython")
#: The environment switch: ``0``/``off``/``no``/``false`` fork each command when it comes
#: (no process is made ahead: :class:`Spare`).
SPARE = "MI_COURSEWARE_SPARE"
#: Linux's ``madvise`` advice (5.14 and later) that faults a range's pages in for writing.
_POPULATE_WRITE = 23
#: Descriptors a spare is given with its command: the client's connection, then the four
#: the client passed (standard streams and working folder).
_SPARE_FDS = 5


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
        self.spare: Spare | None = None
        #: Whether spares are made (not with ``MI_COURSEWARE_SPARE=0``, nor after one ended
        #: unasked: it would again).
        self.spares = os.environ.get(SPARE, "").strip().lower() not in {"0", "off", "no", "false"}
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
        """Fork the next command's process ahead (:class:`Spare`)."""
        server_end, spare_end = socket.socketpair()
        signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
        try:
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the spare, measured by its commands
                server_end.close()
                self._wait_as_spare(spare_end)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
        spare_end.close()
        self.spare = Spare(pid, server_end)
        self.selector.register(server_end, selectors.EVENT_READ, "spare")

    def _spare_event(self) -> None:
        """The spare said it is ready, or ended (it is then reaped as any child, and the
        next is made once no command runs)."""
        spare = self.spare
        if spare is None:
            return
        try:
            said = spare.channel.recv(1)
        except OSError:
            said = b""
        if said:
            spare.ready = True
            return
        log.warning(
            "the process made ahead for the next command ended (process %d): commands are "
            "forked when they come from now on",
            spare.pid,
        )
        self.spare = None
        self.spares = False
        self.selector.unregister(spare.channel)
        spare.channel.close()

    def _drop_spare(self) -> None:
        """End the spare (the server is stopping)."""
        spare, self.spare = self.spare, None
        if spare is not None:
            self.selector.unregister(spare.channel)
            spare.channel.close()  # it ends when it reads that, or now:
            with contextlib.suppress(ProcessLookupError):
                os.kill(spare.pid, signal.SIGKILL)

    def _wait_as_spare(self, channel: socket.socket) -> None:
        """In the spare: take the pages, say so, then run the one command it is given (it
        ends without one when the server closes its end)."""
        code = 1
        try:
            self._leave_server()
            _populate()
            try:
                channel.sendall(b"R")
                message, fds = _receive(channel, None, _SPARE_FDS)
            except (OSError, ValueError):  # the server stopped (or is gone)
                os._exit(0)
            channel.close()
            conn = socket.socket(fileno=fds[0])
            self._run_command(conn, message, fds[1:], ahead=True)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)

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
            message, fds = _receive(conn, time.monotonic() + READING)
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
        if message.get("startup") != self.startup or not _well_formed(message):
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
        spare = self.spare
        if spare is None or not spare.ready:
            return 0
        self.spare = None
        self.selector.unregister(spare.channel)
        try:
            with spare.channel:
                resident.send(spare.channel, message, [conn.fileno(), *fds])
        except OSError as exc:  # it ended meanwhile: forked as before
            log.warning("the process made ahead could not take a command: %s", exc)
            with contextlib.suppress(ProcessLookupError):
                os.kill(spare.pid, signal.SIGKILL)
            return 0
        return spare.pid

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
            _streams()
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


class Spare:
    """The next command's process, forked while no command runs: it copies the pages it
    shares with the server (:func:`_populate`), writes one byte when it is ready, and then
    reads one request, as the server would, with the client's connection among its
    descriptors."""

    def __init__(self, pid: int, channel: socket.socket) -> None:
        self.pid = pid
        self.channel = channel
        self.ready = False


def _populate() -> None:
    """Copy every private writable page this process shares with the server now, at once
    (Linux 5.14 and later; elsewhere each is copied when first written, as without)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    madvise = libc.madvise
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
            regions = [line.split() for line in maps]
    except OSError as exc:  # not Linux: the pages are copied as they are written
        log.debug("pages not copied ahead: %s", exc)
        return
    failed = []
    for fields in regions:
        span, perms = fields[0], fields[1]
        name = fields[5] if len(fields) > 5 else ""
        if perms[1] != "w" or perms[3] != "p" or name in ("[vvar]", "[vdso]", "[vsyscall]"):
            continue
        start, end = (int(x, 16) for x in span.split("-"))
        if madvise(start, end - start, _POPULATE_WRITE) != 0:  # (those left: copied as written)
            failed.append(f"{name or span}: {os.strerror(ctypes.get_errno())}")
    if failed:
        log.debug("pages not copied ahead: %s", "; ".join(failed))


def _well_formed(message: dict[str, object]) -> bool:
    """A run request's arguments, environment and umask are of the kinds the child uses."""
    argv, env, umask = message.get("argv"), message.get("env"), message.get("umask")
    return (
        isinstance(argv, list)
        and all(isinstance(a, str) for a in argv)
        and isinstance(env, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
        and isinstance(umask, int)
        and 0 <= umask <= 0o777
        and isinstance(message.get("ignored"), list)
        and all(s in _PASSABLE for s in message["ignored"])  # type: ignore[attr-defined]
    )


def _receive(
    conn: socket.socket, deadline: float | None, most: int = 4
) -> tuple[dict[str, object], list[int]]:
    """One request: the length, the JSON, and the descriptors passed with it (at most
    ``most``), all before ``deadline`` (a slow sender is dropped, and its descriptors
    closed; ``None``: waited for as long as it takes)."""

    def left() -> float | None:
        if deadline is None:
            return None
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request took too long")
        return remaining

    data = b""

    def upto(size: int) -> bytes:
        nonlocal data
        while len(data) < size:
            conn.settimeout(left())
            chunk = conn.recv(65536)
            if not chunk:
                raise ValueError("the request ended early")
            data += chunk
        return data[:size]

    fds: list[int] = []
    try:
        conn.settimeout(left())
        data, received, _, _ = socket.recv_fds(conn, 65536, most)
        fds = list(received)
        (length,) = struct.unpack("!I", upto(4))
        if length > resident.MOST:
            raise ValueError(f"a request of {length} bytes")
        body = upto(4 + length)[4:]
        message = json.loads(body.decode("utf-8", "surrogateescape"))
        if not isinstance(message, dict):
            raise ValueError("a request that is not an object")
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return message, fds


def _streams() -> None:
    """Standard streams over the caller's descriptors, buffered as Python would have
    (``PYTHONUNBUFFERED``: every write goes out at once)."""
    encoding = sys.__stdout__.encoding if sys.__stdout__ else "utf-8"
    # (the locale is the server's, checked equal: its error handling is Python's for it)
    errors = sys.__stdout__.errors if sys.__stdout__ else "strict"
    unbuffered = bool(os.environ.get("PYTHONUNBUFFERED"))
    sys.stdin = open(0, encoding=encoding, errors=errors, closefd=False)  # noqa: SIM115
    sys.stdout = open(  # noqa: SIM115
        1, "w", buffering=1 if os.isatty(1) else -1, encoding=encoding, errors=errors,
        closefd=False,
    )  # fmt: skip
    sys.stderr = open(  # noqa: SIM115
        2, "w", buffering=1, encoding=encoding, errors="backslashreplace", closefd=False
    )
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(write_through=unbuffered)


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
