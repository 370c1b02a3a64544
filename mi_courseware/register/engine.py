"""Where a register lives: an SQLite file (the default) or a PostgreSQL database.

A location is a :class:`~pathlib.Path` (an SQLite file) or a URL string: ``postgresql://...``
(also ``postgres://`` and ``postgresql+psycopg://``) or ``sqlite:///path``. This module turns
one into an SQLAlchemy engine whose transactions behave alike on both:

- SQLite: the driver's own transaction handling is switched off and ``BEGIN`` is emitted by
  us, ``BEGIN IMMEDIATE`` for writes, so a writer holds the lock from its first statement
  (the recipe of SQLAlchemy's SQLite notes). The rollback journal is kept (not WAL), because
  registers on shared folders cannot use WAL's shared memory.
- PostgreSQL: each write transaction first takes a transaction-level advisory lock, so
  writers queue exactly as they do on SQLite.

A file we create is marked with ``PRAGMA application_id``; a file that holds another
application's tables is refused before anything is written to it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.errors import MiCoursewareError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

#: ``PRAGMA application_id`` of a register: "MICR" in ASCII.
APPLICATION_ID = 0x4D494352

#: Key of the PostgreSQL advisory lock that writers take (any constant of ours will do).
WRITE_LOCK = 0x4D49_4352_5245_47

Location = Path | str


class RegisterError(MiCoursewareError):
    """The register cannot be read or written (not a register, busy, read-only, newer)."""


def parse_location(value: str) -> Location:
    """``--register`` as typed: a URL stays a string, anything else is a file path."""
    if value.startswith("sqlite:///"):
        return Path(value.removeprefix("sqlite:///"))
    if "://" in value:
        return value
    return Path(value)


def describe(location: Location) -> str:
    """The location as messages show it (a URL without its password)."""
    if isinstance(location, Path):
        return str(location)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        from urllib.parse import unquote

        return unquote(make_url(location).render_as_string(hide_password=True))
    except (ArgumentError, ValueError):  # not a URL SQLAlchemy can read: no user shown
        return location.split("@")[-1]


def postgresql_url(location: str) -> str:
    """The SQLAlchemy URL for a PostgreSQL location (psycopg 3 as the driver)."""
    usage = "give an SQLite file path or a postgresql://user@host/database URL"
    for scheme in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if location.startswith(scheme):
            url = "postgresql+psycopg://" + location.removeprefix(scheme)
            break
    else:
        raise RegisterError(f"{describe(location)}: not a register address: {usage}")
    from urllib.parse import urlsplit

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        urlsplit(location).port  # noqa: B018  (a port that is not a number raises here)
        make_url(url)
    except (ArgumentError, ValueError) as exc:
        reason = str(exc)
        if "could not be cast" in reason:  # urllib's words for a port that is not a number
            reason = f"its port {reason.rsplit(' as ', 1)[-1]} is not a number"
        raise RegisterError(
            f"{describe(location)}: not a register address ({reason}): {usage}"
        ) from None
    return url


def check_sqlite_file(path: Path) -> None:
    """Refuse an existing file that is not a register (before anything is written to it)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            app = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise RegisterError(f"{path}: not a certificate register ({exc})") from None
    if app == APPLICATION_ID:
        return
    first_release = version == 1 and {"certificates", "history"} <= tables
    if app == 0 and (first_release or (version == 0 and not tables)):
        return
    if app:
        owner = f"application id {app:#010x}"
    else:
        names = sorted(t for t in tables if not t.startswith("sqlite_"))
        owner = "tables " + ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    raise RegisterError(
        f"{path}: not a certificate register: it is another application's SQLite database "
        f"({owner}); give --register a new file or the register's own"
    )


def create_private(path: Path) -> None:
    """Make a new register file owner-only before SQLite writes to it (its journal takes the
    file's permissions); its folder, when made now, too. An existing file is left as it is."""
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(mode=0o700, parents=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise RegisterError(f"{exc.filename or path}: cannot create ({exc.strerror})") from None
    os.close(descriptor)


def make_engine(location: Location, timeout: float) -> Engine:
    """An engine for ``location`` with our transaction behaviour (see the module notes)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    if isinstance(location, Path):
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(location, timeout=timeout, isolation_level=None),
            poolclass=NullPool,
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi: Any, record: Any) -> None:
            dbapi.execute("PRAGMA foreign_keys = ON")
            dbapi.execute("PRAGMA synchronous = FULL")

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            writing = connection.info.get("writing", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

        return engine
    url = postgresql_url(location)
    try:
        import psycopg  # noqa: F401  (only to say clearly when it is missing)
    except ImportError:
        raise RegisterError(
            f"{describe(location)}: a PostgreSQL register needs the psycopg driver: "
            "pip install 'mi-courseware[postgresql]'"
        ) from None
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"connect_timeout": max(1, int(timeout)), "application_name": "mi-courseware"},
    )

    @event.listens_for(engine, "begin")
    def _lock(connection: Connection) -> None:
        if connection.info.get("writing", False):
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(timeout * 1000)}ms'")
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    return engine


def explain(location: Location, exc: BaseException) -> RegisterError:
    """A database failure as a message a coordinator can act on."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    where = describe(location)
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered or "permission denied" in lowered:
        return RegisterError(
            f"{where}: the register is read-only here ({text}); ask for write access to it, "
            "or give another with --register"
        )
    if "locked" in lowered or "lock timeout" in lowered or "busy" in lowered:
        return RegisterError(
            f"{where}: the register is busy (another run has held it too long: {text}); "
            "try again when it has finished"
        )
    return RegisterError(f"{where}: cannot use the certificate register ({text})")


def key_folder(location: Location, project_root: Path | None = None) -> Path | None:
    """Where the private keys of the register at ``location`` are kept: ``keys/`` beside an
    SQLite register, the project's ``records/keys/`` for one on a database server (``None``
    when there is no project to hold them)."""
    if isinstance(location, Path):
        return location.parent / "keys"
    return project_root / "records" / "keys" if project_root is not None else None
