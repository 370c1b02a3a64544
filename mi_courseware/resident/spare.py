"""The next command's process, made ahead by the resident server while no command runs.

A command's process shares the server's memory until it writes to it, and then the kernel
copies each page it first writes to, one at a time: about 10,000 pages, 16 ms of the demo
deck's first build. So while no command runs, the server forks the next command's process
ahead (a :class:`Spare`): it copies every page at once (``MADV_POPULATE_WRITE``, a tenth of
a second spent while nothing waits), says it is ready, and waits for a command, which then
runs exactly as in a process forked for it. A command that comes while the spare is not
ready, or while another runs, is forked as before; ``-v`` says which.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import traceback
from collections.abc import Callable

from mi_courseware import resident
from mi_courseware.resident.wire import receive

log = logging.getLogger(__name__)

#: The environment switch: ``0``/``off``/``no``/``false`` fork each command when it comes
#: (no process is made ahead).
SPARE = "MI_COURSEWARE_SPARE"
#: Linux's ``madvise`` advice (5.14 and later) that faults a range's pages in for writing.
POPULATE_WRITE = 23
#: Descriptors a spare is given with its command: the client's connection, then the four
#: the client passed (standard streams and working folder).
FDS = 5
#: A command's run in its process: the client's connection, the request, its descriptors.
Run = Callable[[socket.socket, dict[str, object], list[int]], None]


def wanted() -> bool:
    """Whether the environment lets the server make processes ahead."""
    return not resident.off(SPARE)


class Spare:
    """The next command's process, forked while no command runs: it copies the pages it
    shares with the server (:func:`populate`), writes one byte when it is ready, and then
    reads one request, as the server would, with the client's connection among its
    descriptors."""

    def __init__(self, pid: int, channel: socket.socket) -> None:
        self.pid = pid
        #: The server's end of the socket pair the spare waits on.
        self.channel = channel
        self.ready = False

    @classmethod
    def fork(cls, leave: Callable[[], None], run: Run, held: set[signal.Signals]) -> Spare:
        """Fork one (in the server): in it, ``leave`` the server, copy the pages, wait, and
        ``run`` the command it is given. ``held``: signals blocked while it is made."""
        server_end, spare_end = socket.socketpair()
        signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the spare, measured by its commands
                server_end.close()
                _wait(spare_end, leave, run)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
        spare_end.close()
        return cls(pid, server_end)

    def heard(self) -> bool:
        """Read what it said: ``True`` when it is ready, ``False`` when it has ended."""
        try:
            said = self.channel.recv(1)
        except OSError:
            said = b""
        if said:
            self.ready = True
        return bool(said)

    def hand(self, conn: socket.socket, message: dict[str, object], fds: list[int]) -> bool:
        """Give it the command (the client's connection and descriptors passed with it);
        ``False`` when it could not take it (it is then ended)."""
        try:
            with self.channel:
                resident.send(self.channel, message, [conn.fileno(), *fds])
        except OSError as exc:  # it ended meanwhile
            log.warning("the process made ahead could not take a command: %s", exc)
            self.end()
            return False
        return True

    def end(self) -> None:
        """End it (the server is stopping, or it could not take a command)."""
        self.channel.close()  # it ends when it reads that, or now:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)


def _wait(channel: socket.socket, leave: Callable[[], None], run: Run) -> None:
    """In the spare: take the pages, say so, then run the one command it is given (it ends
    without one when the server closes its end, or is gone)."""
    code = 1
    try:
        leave()
        populate()
        try:
            channel.sendall(b"R")
            message, fds = receive(channel, None, FDS)
        except (OSError, ValueError):  # the server stopped (or is gone)
            os._exit(0)
        channel.close()
        run(socket.socket(fileno=fds[0]), message, fds[1:])
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def populate() -> None:
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
        if madvise(start, end - start, POPULATE_WRITE) != 0:  # (those left: copied as written)
            failed.append(f"{name or span}: {os.strerror(ctypes.get_errno())}")
    if failed:
        log.debug("pages not copied ahead: %s", "; ".join(failed))
