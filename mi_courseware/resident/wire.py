"""What the resident server and a command's process read and set up: a request (its
length, JSON and passed descriptors, read within a deadline), whether it is well formed, and
the command's standard streams over the caller's descriptors."""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys
import time

from mi_courseware import resident

#: The signals a client may ask its command to ignore.
PASSABLE = frozenset({int(signal.SIGINT), int(signal.SIGTERM), int(signal.SIGHUP)})


def well_formed(message: dict[str, object]) -> bool:
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
        and all(s in PASSABLE for s in message["ignored"])  # type: ignore[attr-defined]
    )


def receive(
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


def streams() -> None:
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
