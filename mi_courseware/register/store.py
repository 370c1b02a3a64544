"""The open register: reading certificates and history, and every change of state.

Write only inside :meth:`Register.transaction`. Reads outside one run in a short transaction
of their own that ends before the method returns, so nothing holds a lock between commands.

States and their transitions (each recorded in the history, which the database keeps
append-only on both back-ends)::

    pending --promote--> issued --promote (new name)--> reissued
       |                   \\--revoke--> revoked
       \\--prepare--> prepared --confirm--> issued
                         \\--void--> void

``pending``: number and code reserved, no file handed out. ``prepared``: printed before the
event's last day, awaiting attendance, never valid. ``void``: prepared for someone who did
not attend, never valid. Revoked and void are final (the database refuses to change them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.codes import format_number, new_code
from mi_courseware.register.engine import (
    Location,
    RegisterError,
    check_sqlite_file,
    create_private,
    describe,
    explain,
    make_engine,
)
from mi_courseware.register.rows import Certificate, Details, HistoryEntry, pause_at
from mi_courseware.register.schema import certificates, counters, history

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.sql import ColumnElement


_CERTIFICATE = [certificates.c[f.name] for f in fields(Certificate)]
#: What a certificate no longer has pending once its state is settled.
_CLEARED = {"pending_name": None, "pending_at": None, "pending_sha256": None}
_HISTORY = [history.c[f.name] for f in fields(HistoryEntry)]


@lru_cache(maxsize=32)
def _update_of(columns: tuple[str, ...]) -> Any:
    """``UPDATE certificates SET <columns> WHERE number = ?``, its values as parameters
    named ``_number`` and ``_<column>``."""
    from sqlalchemy import bindparam

    return (
        certificates.update()
        .where(certificates.c.number == bindparam("_number"))
        .values({column: bindparam(f"_{column}") for column in columns})
    )


class Register:
    """An open register. Use as a context manager; write only inside :meth:`transaction`.

    ``location``: an SQLite file (:class:`~pathlib.Path`) or a ``postgresql://`` URL.
    ``create``: make the register when there is none (else :class:`RegisterError`).
    ``keys``: its key store (default: ``keys/`` beside an SQLite file; a register on a
    database server has none unless given, see :func:`~mi_courseware.register.keys.key_folder`).
    """

    def __init__(
        self,
        location: Location,
        *,
        create: bool = True,
        timeout: float = 120.0,
        keys: Path | None = None,
    ) -> None:
        from sqlalchemy.exc import DBAPIError

        from mi_courseware.register.engine import key_folder
        from mi_courseware.register.migrate import upgrade

        self.location = location
        self.label = describe(location)
        #: Where the private signing keys are kept (``None``: not known here).
        self.key_folder = keys or key_folder(location)
        if isinstance(location, Path):
            if not create and not location.is_file():
                raise RegisterError(
                    f"{location}: no certificate register here (nothing issued yet)"
                )
            check_sqlite_file(location)
            create_private(location)
        self.engine = make_engine(location, timeout)
        try:
            upgrade(self.engine, location, create=create, keys=self.key_folder)
            self._db: Connection = self.engine.connect()
        except DBAPIError as exc:
            self.engine.dispose()
            raise explain(location, exc) from None
        except BaseException:
            self.engine.dispose()
            raise
        self._writing = False
        #: History entries of this transaction not yet written (one statement for all).
        self._logged: list[dict[str, Any]] = []

    @property
    def path(self) -> Path | None:
        """The SQLite file (``None`` for a database server)."""
        return self.location if isinstance(self.location, Path) else None

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back)."""
        self._db.close()
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (writers queue); rolled back if the block raises."""
        from sqlalchemy.exc import DBAPIError, IntegrityError

        if self._db.in_transaction():
            self._db.rollback()
        self._db.info["writing"] = True
        self._writing = True
        self._logged = []
        try:
            with self._db.begin():
                yield
                self._write_log()
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise explain(self.location, exc) from None
        finally:
            self._writing = False
            self._db.info["writing"] = False

    def execute(self, statement: Any, parameters: Any = None) -> Any:
        """Run a statement; outside a transaction, in a short one of its own."""
        from sqlalchemy.exc import DBAPIError, IntegrityError

        try:
            result = self._db.execute(statement, parameters)
            if self._writing:
                return result
            rows = result.all() if result.returns_rows else None
            self._db.commit()
            return rows
        except IntegrityError:
            if not self._writing:
                self._db.rollback()
            raise
        except DBAPIError as exc:
            if not self._writing:
                self._db.rollback()
            raise explain(self.location, exc) from None

    def fetch(self, statement: Any) -> list[Any]:
        """Every row of a query (in the transaction, or in a short one of its own)."""
        result = self.execute(statement)
        return list(result) if isinstance(result, list) else result.all()

    # -- reading ------------------------------------------------------------------------------

    def _rows(
        self, where: ColumnElement[bool] | None = None, order: Any = None
    ) -> list[Certificate]:
        from sqlalchemy import select

        query = select(*_CERTIFICATE)
        if where is not None:
            query = query.where(where)
        if order is not None:
            query = query.order_by(*order)
        return [Certificate(*row) for row in self.fetch(query)]

    def get(self, number: str) -> Certificate | None:
        """The certificate with ``number``."""
        rows = self._rows(certificates.c.number == number)
        return rows[0] if rows else None

    def by_numbers(self, numbers: list[str]) -> dict[str, Certificate]:
        """The certificates with these numbers (those that exist), by number."""
        found: dict[str, Certificate] = {}
        for start in range(0, len(numbers), 500):  # bounded lists of parameters
            chunk = numbers[start : start + 500]
            found.update((r.number, r) for r in self._rows(certificates.c.number.in_(chunk)))
        return found

    def by_code(self, code: str) -> Certificate | None:
        """The certificate with verification ``code`` (grouped form)."""
        rows = self._rows(certificates.c.code == code)
        return rows[0] if rows else None

    def for_event(self, event: str) -> dict[str, Certificate]:
        """Every certificate of ``event``, by participant identity."""
        rows = self._rows(certificates.c.event == event, [certificates.c.serial])
        return {row.identity: row for row in rows}

    def all(self) -> list[Certificate]:
        """Every certificate, by prefix, year and serial."""
        c = certificates.c
        return self._rows(order=[c.prefix, c.year, c.serial])

    def history(self, number: str) -> list[HistoryEntry]:
        """What happened to certificate ``number``, oldest first."""
        return self._history(history.c.number == number)

    def history_with_sha(self, sha256: str) -> list[HistoryEntry]:
        """History entries of PDFs with this SHA-256 (an earlier copy of a certificate)."""
        return self._history(history.c.sha256 == sha256)

    def _history(self, where: ColumnElement[bool]) -> list[HistoryEntry]:
        from sqlalchemy import select

        if self._writing:
            self._write_log()  # what this transaction has done so far is history too
        query = select(*_HISTORY).where(where).order_by(history.c.id)
        return [HistoryEntry(*row) for row in self.fetch(query)]

    def clients(self) -> list[str]:
        """Every client named on a certificate, sorted."""
        from sqlalchemy import select

        query = select(certificates.c.client).distinct().order_by(certificates.c.client)
        return [row[0] for row in self.fetch(query)]

    # -- writing (inside a transaction) -------------------------------------------------------

    def _write(self, statement: Any) -> Any:
        if not self._writing:
            raise RuntimeError("register changes belong inside Register.transaction()")
        return self.execute(statement)

    def _next_serial(self, prefix: str, year: int, count: int = 1) -> int:
        """The counter row for ``prefix`` and ``year``, moved on by ``count`` in this
        transaction; the first of the ``count`` serials taken."""
        from sqlalchemy import func, select

        key = (counters.c.prefix == prefix) & (counters.c.year == year)
        moved = self._write(
            counters.update()
            .where(key)
            .values(last=counters.c.last + count)
            .returning(counters.c.last)
        ).scalar()
        if moved is not None:
            return int(moved) - count + 1
        c = certificates.c
        highest = self._write(
            select(func.coalesce(func.max(c.serial), 0)).where(
                (c.prefix == prefix) & (c.year == year)
            )
        ).scalar()
        self._write(counters.insert().values(prefix=prefix, year=year, last=highest + count))
        return int(highest) + 1

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
        people = [(identity, name)]
        return self.reserve_many(
            event=event, people=people, prefix=prefix, year=year, details=details, at=at
        )[0]

    def reserve_many(
        self,
        *,
        event: str,
        people: list[tuple[str, str]],
        prefix: str,
        year: int,
        details: Details,
        at: str,
        key_id: str | None = None,
        layout: int | None = None,
    ) -> list[Certificate]:
        """:meth:`reserve` for each of ``people`` (identity, name), numbered in that order, in
        a few statements whatever their number. ``key_id``: the fingerprint of the key their
        issuer signs with, printed on them; ``layout``: the design they are laid out in."""
        if not people:
            return []
        pause_at("reserve")
        first = self._next_serial(prefix, year, len(people))
        codes: list[str] = []
        while len(codes) < len(people):  # a code already given is drawn again (2^-55 a pair)
            drawn = list(dict.fromkeys(new_code() for _ in range(len(people) - len(codes))))
            taken = self._codes_taken([*drawn, *codes])
            codes += [code for code in drawn if code not in taken and code not in codes]
        rows = [
            {
                "number": format_number(prefix, year, first + index),
                "prefix": prefix,
                "year": year,
                "serial": first + index,
                "code": code,
                "event": event,
                "identity": identity,
                "name": name,
                **asdict(details),
                "issued_at": at,
                "changed_at": at,
                "status": "pending",
                "key_id": key_id,
                "layout": layout,
            }
            for index, ((identity, name), code) in enumerate(zip(people, codes, strict=True))
        ]
        self._write_many(certificates.insert(), rows)
        found = self.by_numbers([row["number"] for row in rows])
        return [found[row["number"]] for row in rows]

    def _codes_taken(self, codes: list[str]) -> set[str]:
        from sqlalchemy import select

        taken: set[str] = set()
        for start in range(0, len(codes), 500):  # bounded lists of parameters
            chunk = codes[start : start + 500]
            query = select(certificates.c.code).where(certificates.c.code.in_(chunk))
            taken.update(row[0] for row in self._write(query))
        return taken

    def _write_many(self, statement: Any, rows: list[dict[str, Any]] | dict[str, Any]) -> None:
        if not self._writing:
            raise RuntimeError("register changes belong inside Register.transaction()")
        self.execute(statement, rows)

    def _update(
        self, number: str, *, where: ColumnElement[bool] | None = None, **values: Any
    ) -> None:
        if where is not None:
            condition = (certificates.c.number == number) & where
            self._write(certificates.update().where(condition).values(**values))
            return
        # one statement per set of columns, made once: a run promotes a thousand rows alike
        parameters = {f"_{column}": value for column, value in values.items()}
        self._write_many(_update_of(tuple(values)), {"_number": number, **parameters})

    def rename_pending(self, number: str, name: str) -> None:
        """A pending (never issued) certificate takes the roster's current spelling."""
        self._update(number, where=certificates.c.status == "pending", name=name)

    def request_reissue(self, number: str, name: str | None, at: str | None) -> None:
        """Record that ``number`` is being reissued to ``name`` (``None``: not any more)."""
        self._update(number, pending_name=name, pending_at=at)

    def stage_all(self, hashes: dict[str, str]) -> None:
        """:meth:`stage` for many certificates (number -> hash) in one statement."""
        from sqlalchemy import bindparam

        if not hashes:
            return
        pause_at("stage")
        statement = (
            certificates.update()
            .where(certificates.c.number == bindparam("_number"))
            .values(pending_sha256=bindparam("_sha256"))
        )
        rows = [{"_number": n, "_sha256": h} for n, h in sorted(hashes.items())]
        self._write_many(statement, rows)

    def clear_stage(self, number: str) -> None:
        """Forget a staged PDF that never reached its place."""
        self._update(number, pending_sha256=None)

    def _current(self, number: str, read: Certificate | None = None) -> Certificate:
        """Certificate ``number`` as it stands (``read``: as the caller has just read it)."""
        if read is not None and read.number == number:
            return read
        row = self.get(number)
        if row is None:
            raise RegisterError(f"{self.label}: no certificate {number}")
        return row

    def _settle(self, row: Certificate, sha256: str, details: Details, **values: Any) -> None:
        """Record the file now in place and the details it shows; clear what was pending."""
        self._update(
            row.number,
            sha256=sha256,
            **asdict(details),
            **_CLEARED,
            **values,
        )

    def promote(
        self,
        number: str,
        sha256: str,
        details: Details,
        at: str,
        current: Certificate | None = None,
    ) -> str | None:
        """The PDF with ``sha256`` is in place: make it the certificate's current state.

        Returns the history action recorded (``issued``, ``reissued``, ``regenerated``), or
        ``None`` when the file is the one already recorded. A prepared certificate stays
        prepared (a new file is ``regenerated``; a new name simply replaces the old, as it
        was never handed out as valid): only :meth:`confirm` makes it valid. ``current``:
        its row as just read in this transaction, if the caller has it.
        """
        pause_at("promote")
        row = self._current(number, current)
        if row.status in ("revoked", "void"):
            raise RegisterError(f"{number} is {row.status}: its file is never recorded again")
        name = row.pending_name or row.name
        changed_at = row.changed_at
        status = row.status
        detail = ""
        action: str | None
        if row.status == "pending":
            action, status = "issued", "issued"
        elif row.status == "prepared":
            action = "regenerated" if (sha256 != row.sha256 or name != row.name) else None
            if name != row.name:
                detail = f"name corrected before issue; printed before as {row.name}"
        elif name != row.name:
            action, status = "reissued", "reissued"
            changed_at = row.pending_at or at
            detail = f"name corrected; printed before as {row.name}"
        elif sha256 != row.sha256:
            action = "regenerated"
            detail = "template or course details changed since the last copy"
        else:
            action = None
        self._settle(row, sha256, details, name=name, status=status, changed_at=changed_at)
        if action is not None:
            self._log(number, at, action, name, sha256, detail)
        return action

    def prepare(
        self,
        number: str,
        sha256: str,
        details: Details,
        at: str,
        current: Certificate | None = None,
    ) -> None:
        """A pending certificate's PDF is in place before the event ended: ``prepared``.

        It is numbered and printed but not valid: ``verify`` answers "prepared, awaiting
        attendance" until :meth:`confirm` (attended) or :meth:`void` (did not). ``current``:
        its row as just read in this transaction, if the caller has it.
        """
        row = self._current(number, current)
        if row.status != "pending":
            raise RegisterError(f"{number} is {row.status}; only a pending certificate is prepared")
        name = row.pending_name or row.name
        self._settle(row, sha256, details, name=name, status="prepared", changed_at=at)
        self._log(number, at, "prepared", name, sha256, "awaiting attendance")

    def confirm(self, number: str, at: str, sha256: str | None = None) -> None:
        """A prepared certificate's holder attended: it becomes ``issued``, same number.

        ``sha256``: the file now in place, when it is not the one prepared (else the prepared
        bytes stand). ``confirmed_at`` records when; ``issued_at`` stays when it was numbered.
        """
        row = self._current(number)
        if row.status != "prepared":
            raise RegisterError(
                f"{number} is {row.status}; only a prepared certificate is confirmed"
            )
        digest = sha256 or row.sha256
        self._update(
            number,
            status="issued",
            sha256=digest,
            confirmed_at=at,
            changed_at=at,
            pending_sha256=None,
        )
        self._log(number, at, "confirmed", row.name, digest, "attendance confirmed")

    def void(self, number: str, reason: str, at: str) -> None:
        """A prepared (or pending) certificate whose holder did not attend: ``void``, for good."""
        row = self._current(number)
        if row.status not in ("prepared", "pending"):
            raise RegisterError(
                f"{number} is {row.status}; only a prepared certificate is voided "
                "(revoke an issued one)"
            )
        self._update(number, status="void", changed_at=at, **_CLEARED)
        self._log(number, at, "voided", row.name, row.sha256, reason)

    def revoke(self, number: str, reason: str, at: str) -> None:
        """Revoke certificate ``number``; it stays in the register, marked revoked."""
        row = self._current(number)
        if row.status in ("prepared", "pending", "void"):
            raise RegisterError(f"{number} is {row.status}, never issued: void it instead")
        self._update(number, status="revoked", **_CLEARED)
        self._log(number, at, "revoked", row.name, row.sha256, reason)

    def _log(
        self, number: str, at: str, action: str, name: str, sha256: str | None, detail: str
    ) -> None:
        """Add to the certificate's history (written with the rest of the transaction)."""
        if not self._writing:
            raise RuntimeError("register changes belong inside Register.transaction()")
        self._logged.append(
            {
                "number": number,
                "at": at,
                "action": action,
                "name": name,
                "sha256": sha256,
                "detail": detail,
            }
        )

    def _write_log(self) -> None:
        logged, self._logged = self._logged, []
        if logged:
            self._write_many(history.insert(), logged)
