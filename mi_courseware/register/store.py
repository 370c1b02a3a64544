"""The certificate register: every certificate ever numbered, and an append-only history.

One SQLite file (``records/certificates.sqlite`` unless ``--register`` says otherwise). The
``certificates`` table holds each certificate's current state; ``history`` records every
issue, reissue, regeneration and revocation and refuses updates and deletes (triggers).

Numbers are allocated inside ``BEGIN IMMEDIATE`` transactions: SQLite then lets one writer at a
time through, so two coordinators running at once wait for each other instead of taking the
same number. The default rollback journal is kept (not WAL), because registers often live on
shared network folders, where WAL's shared memory does not work.

A row is ``pending`` from the moment its number is reserved until its PDF is in place; a
pending certificate was never handed out, and ``verify`` says so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mi_courseware.certificates.codes import format_number, new_code
from mi_courseware.errors import MiCoursewareError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS certificates (
    number TEXT PRIMARY KEY,
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    code TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    identity TEXT NOT NULL,
    name TEXT NOT NULL,
    course TEXT NOT NULL,
    client TEXT NOT NULL,
    dates TEXT NOT NULL,
    cpd_hours REAL,
    issued_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    sha256 TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'issued', 'reissued', 'revoked')),
    pending_name TEXT,
    pending_at TEXT,
    pending_sha256 TEXT,
    UNIQUE (prefix, year, serial),
    UNIQUE (event, identity)
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL REFERENCES certificates (number),
    at TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('issued', 'reissued', 'regenerated', 'revoked')),
    name TEXT NOT NULL,
    sha256 TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS history_by_sha ON history (sha256);
CREATE TRIGGER IF NOT EXISTS history_no_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'the certificate history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'the certificate history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are never deleted; revoke them instead'); END;
"""

_COLUMNS = (
    "number, code, event, identity, name, course, client, dates, cpd_hours, issued_at, "
    "changed_at, sha256, status, pending_name, pending_at, pending_sha256"
)


class RegisterError(MiCoursewareError):
    """The register cannot be read or written (not a register, busy, newer schema)."""


@dataclass(frozen=True)
class Details:
    """What a certificate says besides the holder's name, as recorded for ``verify``."""

    course: str
    client: str
    dates: str
    cpd_hours: float | None


@dataclass(frozen=True)
class Certificate:
    """One row of the register."""

    number: str
    code: str
    event: str
    identity: str
    name: str
    course: str
    client: str
    dates: str
    cpd_hours: float | None
    issued_at: str
    changed_at: str
    sha256: str | None
    status: str
    pending_name: str | None
    pending_at: str | None
    pending_sha256: str | None

    @property
    def active(self) -> bool:
        """Issued (or reissued) and not revoked: a certificate that is valid today."""
        return self.status in ("issued", "reissued")


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a certificate's history."""

    number: str
    at: str
    action: str
    name: str
    sha256: str | None
    detail: str


def stamp(when: datetime) -> str:
    """A UTC timestamp as stored: ``2027-03-12T09:30:00Z``."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class Register:
    """An open register. Use as a context manager; write only inside :meth:`transaction`."""

    def __init__(self, path: Path, *, create: bool = True, timeout: float = 120.0) -> None:
        if not create and not path.is_file():
            raise RegisterError(f"{path}: no certificate register here (nothing issued yet)")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = FULL")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise RegisterError(f"{path}: not a certificate register ({exc})") from None
        if version > SCHEMA_VERSION:
            raise RegisterError(
                f"{path}: written by a newer mi-courseware (schema {version}); upgrade to use it"
            )
        if version < SCHEMA_VERSION:
            with self.transaction():
                for statement in _statements(_SCHEMA):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back)."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back if the block raises."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise RegisterError(f"{self.path}: register is busy or read-only ({exc})") from None
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- reading ------------------------------------------------------------------------------

    def _rows(self, where: str, *args: object) -> list[Certificate]:
        query = f"SELECT {_COLUMNS} FROM certificates {where}"
        return [Certificate(*row) for row in self.db.execute(query, args)]

    def get(self, number: str) -> Certificate | None:
        """The certificate with ``number``."""
        rows = self._rows("WHERE number = ?", number)
        return rows[0] if rows else None

    def by_code(self, code: str) -> Certificate | None:
        """The certificate with verification ``code`` (grouped form)."""
        rows = self._rows("WHERE code = ?", code)
        return rows[0] if rows else None

    def for_event(self, event: str) -> dict[str, Certificate]:
        """Every certificate of ``event``, by participant identity."""
        rows = self._rows("WHERE event = ? ORDER BY serial", event)
        return {row.identity: row for row in rows}

    def all(self) -> list[Certificate]:
        """Every certificate, by prefix, year and serial."""
        return self._rows("ORDER BY prefix, year, serial")

    def history(self, number: str) -> list[HistoryEntry]:
        """What happened to certificate ``number``, oldest first."""
        query = "SELECT number, at, action, name, sha256, detail FROM history WHERE number = ? "
        return [HistoryEntry(*row) for row in self.db.execute(query + "ORDER BY id", (number,))]

    def history_with_sha(self, sha256: str) -> list[HistoryEntry]:
        """History entries of PDFs with this SHA-256 (an earlier copy of a certificate)."""
        query = "SELECT number, at, action, name, sha256, detail FROM history WHERE sha256 = ? "
        return [HistoryEntry(*row) for row in self.db.execute(query + "ORDER BY id", (sha256,))]

    # -- writing (inside a transaction) -------------------------------------------------------

    def reserve(
        self,
        *,
        event: str,
        identity: str,
        name: str,
        prefix: str,
        year: int,
        details: Details,
        at: str,
    ) -> Certificate:
        """A new pending certificate with the next number for ``prefix`` and ``year``."""
        serial = self.db.execute(
            "SELECT COALESCE(MAX(serial), 0) + 1 FROM certificates WHERE prefix = ? AND year = ?",
            (prefix, year),
        ).fetchone()[0]
        code = new_code()
        while self.by_code(code) is not None:  # 2^-55 per pair; never seen, still checked
            code = new_code()
        number = format_number(prefix, year, serial)
        self.db.execute(
            "INSERT INTO certificates (number, prefix, year, serial, code, event, identity, name,"
            " course, client, dates, cpd_hours, issued_at, changed_at, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
            (
                number,
                prefix,
                year,
                serial,
                code,
                event,
                identity,
                name,
                details.course,
                details.client,
                details.dates,
                details.cpd_hours,
                at,
                at,
            ),
        )
        row = self.get(number)
        assert row is not None
        return row

    def rename_pending(self, number: str, name: str) -> None:
        """A pending (never issued) certificate takes the roster's current spelling."""
        self.db.execute(
            "UPDATE certificates SET name = ? WHERE number = ? AND status = 'pending'",
            (name, number),
        )

    def request_reissue(self, number: str, name: str | None, at: str | None) -> None:
        """Record that ``number`` is being reissued to ``name`` (``None``: not any more)."""
        self.db.execute(
            "UPDATE certificates SET pending_name = ?, pending_at = ? WHERE number = ?",
            (name, at, number),
        )

    def stage(self, number: str, sha256: str) -> None:
        """Remember the hash of a rendered PDF that is not yet where it will be read."""
        self.db.execute(
            "UPDATE certificates SET pending_sha256 = ? WHERE number = ?", (sha256, number)
        )

    def clear_stage(self, number: str) -> None:
        """Forget a staged PDF that never reached its place."""
        self.db.execute("UPDATE certificates SET pending_sha256 = NULL WHERE number = ?", (number,))

    def promote(self, number: str, sha256: str, details: Details, at: str) -> str | None:
        """The PDF with ``sha256`` is in place: make it the certificate's current state.

        Returns the history action recorded (``issued``, ``reissued``, ``regenerated``), or
        ``None`` when the file is the one already recorded.
        """
        row = self.get(number)
        assert row is not None
        name = row.pending_name or row.name
        changed_at = row.changed_at
        status = row.status
        detail = ""
        if row.status == "pending":
            action: str | None = "issued"
            status = "issued"
        elif name != row.name:
            action, status = "reissued", "reissued"
            changed_at = row.pending_at or at
            detail = f"name corrected; printed before as {row.name}"
        elif sha256 != row.sha256:
            action = "regenerated"
            detail = "template or course details changed since the last copy"
        else:
            action = None
        self.db.execute(
            "UPDATE certificates SET name = ?, sha256 = ?, status = ?, changed_at = ?,"
            " course = ?, client = ?, dates = ?, cpd_hours = ?, pending_name = NULL,"
            " pending_at = NULL, pending_sha256 = NULL WHERE number = ?",
            (
                name,
                sha256,
                status,
                changed_at,
                details.course,
                details.client,
                details.dates,
                details.cpd_hours,
                number,
            ),
        )
        if action is not None:
            self._log(number, at, action, name, sha256, detail)
        return action

    def revoke(self, number: str, reason: str, at: str) -> None:
        """Revoke certificate ``number``; it stays in the register, marked revoked."""
        row = self.get(number)
        assert row is not None
        self.db.execute(
            "UPDATE certificates SET status = 'revoked', pending_name = NULL, pending_at = NULL,"
            " pending_sha256 = NULL WHERE number = ?",
            (number,),
        )
        self._log(number, at, "revoked", row.name, row.sha256, reason)

    def _log(
        self, number: str, at: str, action: str, name: str, sha256: str | None, detail: str
    ) -> None:
        self.db.execute(
            "INSERT INTO history (number, at, action, name, sha256, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (number, at, action, name, sha256, detail),
        )


def _statements(script: str) -> list[str]:
    """Split the schema into statements (triggers keep their inner semicolons)."""
    statements: list[str] = []
    current = ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements
