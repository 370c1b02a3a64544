"""A throw-away PostgreSQL cluster for the test session (Debian's ``postgresql`` package).

What ``pg_virtualenv`` does, done once per pytest session so that a single test file can be
run on its own too: ``initdb`` a cluster in a temporary folder (as the ``postgres`` user when
we are root, since PostgreSQL refuses to run as root), start it with ``pg_ctl -w`` (which
returns only once the server accepts connections, so no test races its start), listening on
a Unix socket in that folder and on no TCP port (two suites at once on one machine never
meet), and stop it at the end. Each test gets a database of its own.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_names = itertools.count(1)


def _bin(tool: str) -> str:
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"),
        key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0,
    )
    if not found:
        raise RuntimeError(
            f"PostgreSQL's {tool} is not installed: run scripts/system-deps.sh (make test does)"
        )
    return found[-1]


class Cluster:
    """A running cluster: ``url(database)`` and ``new_database()``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.socket = root / "socket"

    def url(self, database: str = "postgres") -> str:
        """The URL of ``database`` on this cluster (over the Unix socket)."""
        return f"postgresql://postgres@/{database}?host={self.socket}"

    def new_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def cluster() -> Iterator[Cluster]:
    """Start a cluster; stop it and remove its folder afterwards.

    Only the process that started it stops it: a process forked from the test session (a
    worker pool, say) that exits normally finalises this generator too, and must leave the
    cluster alone.
    """
    owner = os.getpid()
    root = Path(tempfile.mkdtemp(prefix="mi-courseware-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    found = Cluster(root)

    def run(*args: str) -> None:
        subprocess.run([*run_as, *args], check=True, capture_output=True, text=True)

    try:
        run("mkdir", str(found.socket))
        run(_bin("initdb"), "-D", str(found.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{found.socket}' "
            "-c fsync=off -c full_page_writes=off -c max_connections=60"
        )
        run(
            _bin("pg_ctl"),
            "-D",
            str(found.data),
            "-l",
            str(root / "log"),
            "-o",
            options,
            "-w",
            "start",
        )
        yield found
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr or exc.stdout}") from None
    finally:
        if os.getpid() == owner:
            if (found.data / "postmaster.pid").exists():
                run(_bin("pg_ctl"), "-D", str(found.data), "-m", "immediate", "-w", "stop")
            shutil.rmtree(root, ignore_errors=True)
