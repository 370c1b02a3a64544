"""A resident build server, and the light client every command starts with.

A cold ``mi-courseware build`` spends about half its time before it reads a file: starting
Python and importing click, pydantic, the models, the checks and the renderers. The resident
server (``mi-courseware daemon start``) pays that once: it imports everything, then waits on
a Unix socket. Each command is then run in a fresh ``fork()`` of that waiting process, with
the caller's arguments, environment, working folder, umask and standard streams (passed as
file descriptors), so it behaves as the same command run directly, only without the imports.
Nothing is kept from one command to the next: every command starts from the server's state
before it ran anything (as Gradle's daemon and ``dmypy`` keep the tool warm, not the build).

This module is the client side and the facts both sides share; it imports only what Python
starts with, since every command pays for it. The server is :mod:`.server`.

- **Who may connect.** The socket lives in a folder only its user can open
  (``$XDG_RUNTIME_DIR/mi-courseware``, else ``/tmp/mi-courseware-<uid>``), and each side
  checks the other's user id (``SO_PEERCRED``); a folder anyone else can enter is not used.
- **Stale code.** The client sends a fingerprint of the installed code (every file of the
  package, the interpreter and its library folders); a server whose fingerprint differs does
  not run the command and stops, and the command runs here. A command whose start-up
  environment (the locale, Python's own variables) differs from the server's runs here too,
  and the server stays.
- **Never silent.** ``-v`` says when a command ran in the server and why one that is running
  was not used. ``MI_COURSEWARE_DAEMON=0`` runs every command here.
"""

from __future__ import annotations

import os
import struct
import sys
import zlib

TYPE_CHECKING = False  # (not typing's: every command would import it for this)
if TYPE_CHECKING:
    import socket
    from collections.abc import Callable
    from typing import TypeVar

    Work = TypeVar("Work", bound=Callable[[], object])

#: Test hook: ``MI_COURSEWARE_TEST_CODE=<text>`` adds to the code fingerprint, as an upgrade
#: would, so that a test can make a client whose code is not the server's.
TEST_CODE = "MI_COURSEWARE_TEST_CODE"
#: The environment switch: ``0``/``off``/``no``/``false`` run every command in its own process.
SWITCH = "MI_COURSEWARE_DAEMON"
#: Commands always run in their own process: the server's own, and the long-running preview.
LOCAL = frozenset({"daemon", "serve"})
#: Global options that take a value (so that the command word can be found after them).
_VALUED = frozenset({"--project", "--register", "--time-limit", "--size-limit"})
#: A reply: one byte saying what, then a signed 32-bit number.
REPLY = struct.Struct("!ci")
#: The longest request a server reads (arguments, environment and fingerprint).
MOST = 4 << 20

#: Why this command runs in this process though a server may be running (said at ``-v``).
note: str | None = None
#: The server process this command was forked from (0: not in a server).
served_by = 0
#: Whether this command's process was made ahead by the server (its pages copied while
#: the server was idle), not forked when the command came.
made_ahead = False
#: Whether the two facts above have been said (at ``-v``, once).
said = False


#: Work the server does once, after importing: facts about the installed code only (which
#: the fingerprint vouches for), never about a project. Modules add theirs with :func:`ahead`.
AHEAD: list[Callable[[], object]] = []


def ahead(work: Work) -> Work:
    """Have the resident server call ``work`` once it has imported everything (a decorator
    for a cached function whose answer depends on the installed code alone)."""
    AHEAD.append(work)
    return work


def off(switch: str = SWITCH) -> bool:
    """Whether the environment turns the server (or another of its ``switch``es) off."""
    return os.environ.get(switch, "").strip().lower() in {"0", "off", "no", "false"}


def auto() -> bool:
    """Whether the environment asks for a server started on first use (``auto``)."""
    return os.environ.get(SWITCH, "").strip().lower() == "auto"


def start_for_later() -> None:
    """``MI_COURSEWARE_DAEMON=auto`` and no server: start one in the background for the
    commands after this one (this one runs here, as it would have); :data:`note` says so."""
    global note
    why = private(folder()) if os.path.lexists(folder()) else None
    if why is not None:  # (a start would fail on it: not one in the background per command)
        note = f"no resident server, and none is started: {why}"
        return
    import subprocess

    command = [sys.executable, "-m", "mi_courseware", "daemon", "start"]
    try:
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        note = f"no resident server, and none could be started: {exc}"
        return
    note = f"no resident server: one is starting for the next commands ({SWITCH}=auto)"


def folder() -> str:
    """The folder of this user's sockets, logs and locks."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base:
        return os.path.join(base, "mi-courseware")
    return os.path.join("/tmp", f"mi-courseware-{os.getuid()}")


def private(path: str) -> str | None:
    """Why ``path`` is not a folder only this user can use (``None`` when it is)."""
    try:
        found = os.lstat(path)
    except OSError as exc:
        return f"{path}: {exc.strerror}"
    if not os.path.isdir(path) or os.path.islink(path):
        return f"{path} is not a folder"
    if found.st_uid != os.getuid():
        return f"{path} belongs to another user"
    if found.st_mode & 0o077:
        return f"{path} is open to other users (mode {found.st_mode & 0o777:o})"
    return None


def package() -> str:
    """The folder of the installed package."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def address(suffix: str = ".sock") -> str:
    """The socket of this installation's server (one per user and installation); with
    another ``suffix``, its log (``.log``) or its lock (``.lock``)."""
    # (the environment, not the interpreter's name: python and python3 are one installation)
    ident = zlib.crc32(f"{sys.prefix}\0{package()}".encode("utf-8", "surrogateescape"))
    return os.path.join(folder(), f"{ident:08x}{suffix}")


def fingerprint() -> str:
    """What the server's code must equal for it to run a command: every file of the package
    (name, size, time), the interpreter and its library folders (a package installed or
    removed changes their time)."""
    paths = sys.path[1:]  # the first is the script's folder or the working one: not the code
    parts = [sys.prefix, os.path.realpath(sys.executable), sys.version, *paths]
    parts.append(os.environ.get(TEST_CODE, ""))
    for folder_ in paths:
        try:
            parts.append(str(os.stat(folder_).st_mtime_ns))
        except OSError:
            parts.append("-")
    parts.append(package())
    parts += (f"{name}:{size}:{time}" for name, size, time in package_files())
    return "\n".join(parts)


def package_files() -> list[tuple[str, int, int]]:
    """Every file of the installed package (compiled bytecode aside), in a fixed order: its
    path inside the package, size and modification time (nanoseconds). What says whether the
    code changed, here and in the build's own stamp of the tool."""
    found = []
    root = package()
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(entry.path)
                    continue
                info = entry.stat(follow_symlinks=False)
                name = os.path.relpath(entry.path, root)
                found.append((name, info.st_size, info.st_mtime_ns))
    return found


#: Python's start-up variables that a forked command honours by itself: bytecode writing
#: (nothing is imported), and unbuffered output (its streams are made anew, honouring it).
_HONOURED = frozenset({"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"})


def startup() -> str:
    """The environment Python reads as it starts (its own variables, the locale): set then,
    so a command whose start-up differs from the server's runs in its own process."""
    return "\n".join(
        sorted(
            f"{k}={v}"
            for k, v in os.environ.items()
            if k.startswith(("PYTHON", "LC_", "LANG")) and k not in _HONOURED
        )
    )


def command_word(argv: list[str]) -> str | None:
    """The command named in ``argv`` (past the global options before it), if any."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _VALUED:
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def peer_uid(sock: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket."""
    import socket

    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[1])


def send(sock: socket.socket, message: dict[str, object], fds: list[int] | None = None) -> None:
    """One request: its length, then its JSON (with ``fds`` passed alongside)."""
    import json
    import socket

    body = json.dumps(message).encode("utf-8", "surrogateescape")
    data = struct.pack("!I", len(body)) + body
    sent = socket.send_fds(sock, [data], fds) if fds else 0
    if sent < len(data):  # (never an empty send: the server may have answered and closed)
        sock.sendall(data[sent:])


def request(kind: str, timeout: float | None = 5.0) -> dict[str, object] | None:
    """Ask the server a question (``status``, ``stop``); ``None`` when none answers (in
    ``timeout`` seconds). The answer's ``current`` says whether it runs this installation's
    code."""
    import json

    sock = connect(timeout)
    if sock is None:
        return None
    try:
        with sock:
            send(sock, {"kind": kind, "fingerprint": fingerprint()})
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        answer = json.loads(data) if data else None
    except (OSError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def connect(timeout: float | None = None) -> socket.socket | None:
    """A connection to this user's server, or ``None`` (and :data:`note` says why, when
    something is there that may not be used). Without a socket file nothing more is
    imported: a command with no server pays a ``stat`` for asking."""
    global note
    path = address()
    if not os.path.exists(path):
        return None
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except (FileNotFoundError, ConnectionRefusedError):
        sock.close()
        return None
    except OSError as exc:
        sock.close()
        note = f"the resident server's socket {path} could not be used: {exc.strerror}"
        return None
    why = private(os.path.dirname(path))
    if why is None and peer_uid(sock) != os.getuid():
        why = f"{path} is served by another user"
    if why is not None:
        sock.close()
        note = f"the resident server is not used: {why}"
        return None
    return sock


#: The signals a client passes on to its command (those it does not ignore itself).
_PASSED = ("SIGINT", "SIGTERM", "SIGHUP")


def run(argv: list[str]) -> int | None:
    """Run the command ``argv`` in the resident server: its exit code (negative: the signal
    that ended it), or ``None`` when it is to run in this process (no server, turned off, a
    command kept here, other code or start-up)."""
    global note
    if off() or command_word(argv) in LOCAL:
        return None
    import signal

    opened: list[int] = []
    try:
        sock = connect()
        if sock is None:
            if note is None and auto():
                start_for_later()
            return None
        mask = os.umask(0)
        os.umask(mask)
        passed = [getattr(signal, name) for name in _PASSED]
        ignored = [s for s in passed if signal.getsignal(s) == signal.SIG_IGN]
        message = {
            "kind": "run",
            "argv": argv,
            "env": dict(os.environ),
            "umask": mask,
            "ignored": [int(s) for s in ignored],
            "fingerprint": fingerprint(),
            "startup": startup(),
        }
        fds = []
        for fd in (0, 1, 2):
            try:
                os.fstat(fd)
                fds.append(fd)
            except OSError:  # a closed standard stream: the command sees /dev/null
                opened.append(os.open(os.devnull, os.O_RDWR))
                fds.append(opened[-1])
        # (a path descriptor: a folder one may enter but not list is still a working folder)
        opened.append(os.open(".", getattr(os, "O_PATH", os.O_RDONLY) | os.O_DIRECTORY))
        fds.append(opened[-1])
    except OSError as exc:  # nothing has been asked: the command runs here
        note = f"the resident server is not used: {exc}"
        for fd in opened:
            os.close(fd)
        return None
    with sock:
        try:
            send(sock, message, fds)
        except OSError as exc:  # it went away meanwhile: nothing has run
            note = f"the resident server did not take the command ({exc.strerror})"
            return None
        finally:
            for fd in opened:
                os.close(fd)
        return _wait(sock, [s for s in passed if s not in ignored])


class _Interrupted(Exception):
    """A signal came before the server said it had started the command."""


def _wait(sock: socket.socket, passed: list[int]) -> int | None:
    """Follow the command in the server: pass ``passed`` signals on to it, return its exit
    code. A signal before the command has started ends the client (and so the command: the
    server interrupts a command whose client has gone)."""
    import signal

    global note
    child = 0

    def forward(signum: int, frame: object) -> None:
        if not child:
            raise _Interrupted(signum)
        try:  # noqa: SIM105 - contextlib is not imported yet, and every command pays
            os.kill(child, signum)
        except ProcessLookupError:
            pass

    kept = {s: signal.signal(s, forward) for s in passed}
    try:
        while True:
            data = b""
            while len(data) < REPLY.size:
                try:
                    chunk = sock.recv(REPLY.size - len(data))
                except OSError:  # reset: as a close
                    chunk = b""
                if not chunk:
                    if child:
                        sys.stderr.write("mi-courseware: error: the resident server stopped\n")
                        return 1
                    note = "the resident server closed the connection before running the command"
                    return None
                data += chunk
            kind, number = REPLY.unpack(data)
            if kind == b"P":
                child = number
            elif kind == b"X":
                return int(number)
            elif kind == b"L":
                note = (
                    "the resident server started with another locale or Python settings "
                    "(LANG, LC_*, PYTHON*) than this command's"
                )
                return None
            else:  # b"S": its code is not this installation's; it stops
                note = (
                    "the resident server ran code older than this installation; it has "
                    "stopped (start it again with 'mi-courseware daemon start')"
                )
                return None
    except _Interrupted as exc:
        return -int(exc.args[0])
    finally:
        for signum, handler in kept.items():
            signal.signal(signum, handler)
