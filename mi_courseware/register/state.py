"""What the register holds for one event, as one digest: certificates must be made again when
it changes (a revocation, a corrected name), and are left alone while it does not.

Every build of an event's certificates asks, so the common case is read with the standard
library's ``sqlite3`` (read-only, no SQLAlchemy): an SQLite register at the current schema.
A register this release cannot read that way (PostgreSQL, or a file an older release made,
which opening migrates) is opened as :class:`~mi_courseware.register.store.Register` is
everywhere else, and ``-v`` says so.

The raw read is a second reader of the register, kept for speed and measured by
``benchmarks/bench_register_state.py``: the demo's no-change rebuild takes 0.41 of its time
through SQLAlchemy (0.14 s against 0.34 s), since it then imports nothing of SQLAlchemy.
A test reads every state both ways and expects the same digest.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from mi_courseware.register.engine import APPLICATION_ID, Location
from mi_courseware.register.migrate import SCHEMA_VERSION

log = logging.getLogger(__name__)

#: The columns whose values make the state, in the order they are hashed.
COLUMNS = ("number", "name", "status", "sha256", "changed_at")
#: How long a read waits for a writer's lock (as the register does).
TIMEOUT = 120.0

Row = tuple[str, str, str, str | None, str]


def event_state(
    location: Location, event: str, *, fast: bool = True, keys: Path | None = None
) -> str:
    """A digest of the numbers, names, states, file hashes and times of ``event``'s
    certificates (``fast=False``: always through the register's own API; ``keys``: the
    register's key store, for a register that opening migrates)."""
    if isinstance(location, Path) and not location.is_file():
        return "no register"
    rows = _read_sqlite(location, event) if fast and isinstance(location, Path) else None
    if rows is None:
        if fast:
            log.info("%s: reading the event's certificates through the register", location)
        rows = _read_opened(location, event, keys)
    return digest(rows)


def digest(rows: Iterable[Row]) -> str:
    """The state of these rows, in number order."""
    state = hashlib.sha256()
    for row in sorted(rows):
        state.update(repr(row).encode())
    return state.hexdigest()


def _read_sqlite(path: Path, event: str) -> list[Row] | None:
    """The rows, read with ``sqlite3``; ``None`` when the file is not a register at the
    current schema or cannot be read so (the register then explains or migrates it)."""
    columns = ", ".join(("identity", *COLUMNS))
    try:
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=TIMEOUT)
    except sqlite3.Error:
        return None
    try:
        if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return None
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return None
        found = db.execute(
            f"SELECT {columns} FROM certificates WHERE event = ? ORDER BY serial", (event,)
        ).fetchall()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    # one row per participant, the latest serial, as Register.for_event has it
    return list({row[0]: tuple(row[1:]) for row in found}.values())


def _read_opened(location: Location, event: str, keys: Path | None) -> list[Row]:
    from mi_courseware.register.store import Register

    with Register(location, keys=keys) as register:  # a database without our tables yet gets them
        rows = register.for_event(event).values()
        return [(r.number, r.name, r.status, r.sha256, r.changed_at) for r in rows]
