"""Bringing a register's schema up to date, and copying a register to another database.

Migrations are Alembic revisions (``migrations/versions/``), run from here without an
``alembic.ini`` or ``env.py``: on an opened register whose revision is behind, under the
register's write lock (``BEGIN IMMEDIATE`` on SQLite, the advisory lock on PostgreSQL), and
checked again once the lock is held, so two coordinators opening an old register at once
migrate it once. A register of the first release (SQLite, ``user_version`` 1, no Alembic
table) is stamped as revision 0001 and migrated from there. On SQLite ``user_version`` also
follows the schema, so an older mi-courseware refuses a newer register instead of misreading
it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.register.engine import (
    APPLICATION_ID,
    Location,
    RegisterError,
    describe,
    make_engine,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

#: The schema version (SQLite's ``user_version``) and the Alembic revision it corresponds to.
SCHEMA_VERSION = 6
HEAD = "0006"
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006")
#: Revisions whose registers may hold private signing keys (moved out by 0003).
WITH_KEYS = ("0002",)
MIGRATIONS = Path(__file__).parent / "migrations"

log = logging.getLogger(__name__)


def revision_of(connection: Connection) -> str | None:
    """The register's Alembic revision (``None``: no register in this database yet)."""
    from sqlalchemy import inspect, text

    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        version = connection.exec_driver_sql("PRAGMA user_version").scalar_one()
        if version > SCHEMA_VERSION:
            return f"schema {version}"
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables:
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        return rows[0] if len(rows) == 1 else "several heads"
    if sqlite and "certificates" in tables:
        return "0001"  # the first release kept only PRAGMA user_version = 1
    if "certificates" in tables:
        return "unknown"
    return None


def _newer(location: Location, revision: str) -> RegisterError:
    return RegisterError(
        f"{describe(location)}: written by a newer mi-courseware ({revision}); "
        "upgrade mi-courseware to use it"
    )


def run_alembic(connection: Connection, start: str | None, head: str = HEAD) -> None:
    """Run the revisions after ``start`` (stamped first when the register has no Alembic
    table) up to ``head`` on ``connection``, inside the caller's transaction."""
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    # Alembic narrates every plugin it loads at INFO; we say what was migrated ourselves
    logging.getLogger("alembic").setLevel(logging.WARNING)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)

    def upgrade(revision: object, context: object) -> list[object]:
        return list(script._upgrade_revs(head, revision))  # type: ignore[arg-type]

    with EnvironmentContext(config, script, fn=upgrade, destination_rev=head) as env:
        env.configure(connection=connection)
        if start is not None and revision_of_table(connection) is None:
            env.get_context().stamp(script, start)
        env.run_migrations()


def revision_of_table(connection: Connection) -> str | None:
    """The revision in ``alembic_version`` alone (``None`` when there is no such table)."""
    from sqlalchemy import inspect, text

    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, location: Location, *, create: bool, keys: Path | None = None) -> None:
    """Create or migrate the register at ``location`` to :data:`HEAD` (no-op when current).

    ``keys``: the key store that private keys an older register holds move to.
    """
    from sqlalchemy.exc import DBAPIError

    with engine.connect() as connection:
        revision = revision_of(connection)
        connection.rollback()
    if revision == HEAD:
        return
    if revision is None and not create:
        raise RegisterError(
            f"{describe(location)}: no certificate register here (nothing issued yet)"
        )
    if revision is not None and revision not in REVISIONS:
        raise _newer(location, revision)
    try:
        migrated = _upgrade_locked(engine, location, keys)
    except DBAPIError as exc:
        if revision is None:
            raise
        from mi_courseware.register.engine import explain

        reason = explain(location, exc)
        raise RegisterError(
            f"{reason}; this register was made by an earlier mi-courseware (schema revision "
            f"{revision}) and is upgraded once, on its first use by this version, which needs "
            "write access"
        ) from None
    if migrated and revision in WITH_KEYS and engine.dialect.name == "sqlite":
        compact(engine, location)
    if migrated and revision is not None:
        log.warning(
            "%s: register upgraded from schema revision %s to %s",
            describe(location),
            revision,
            HEAD,
        )


def _upgrade_locked(engine: Engine, location: Location, keys: Path | None) -> bool:
    """Migrate under the write lock; ``False`` when another process did it meanwhile."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # must be set outside a transaction; SQLite rebuilds tables in 0002
            raw = connection.connection.dbapi_connection
            raw.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
            # what a migration deletes (private keys, in 0003) is overwritten as it is freed
            raw.execute("PRAGMA secure_delete = ON")  # type: ignore[union-attr]
        connection.info["writing"] = True
        connection.info["location"] = location
        connection.info["key_folder"] = keys
        with connection.begin():
            revision = revision_of(connection)  # again, now that the write lock is held
            if revision == HEAD:
                return False
            if revision is not None and revision not in REVISIONS:
                raise _newer(location, revision)
            run_alembic(connection, revision)
            if sqlite:
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if problems:
                    raise RegisterError(f"{describe(location)}: migration broke references")
                connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return True


def compact(engine: Engine, location: Location) -> None:
    """``VACUUM`` an SQLite register: the file is written again from its live rows, so no
    free page keeps what was deleted (the private keys 0003 moved out)."""
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as connection:
            connection.connection.dbapi_connection.execute("VACUUM")  # type: ignore[union-attr]
    except DBAPIError as exc:
        from mi_courseware.register.engine import explain

        raise explain(location, exc) from None


def copy_register(
    source: Location, target: Location, *, timeout: float = 120.0, keys: Path | None = None
) -> dict[str, int]:
    """Copy every table of the register at ``source`` into an empty register at ``target``.

    Both are brought to the current schema first (``keys``: the source's key store, for
    private keys an older source still holds); the copy is one transaction on the target,
    so it is all there or not at all. Private keys are never in a register, so they are not
    copied. Returns the rows copied per table.
    """
    from sqlalchemy import func, select, text
    from sqlalchemy.exc import DBAPIError

    from mi_courseware.register.engine import check_sqlite_file, create_private
    from mi_courseware.register.schema import COPIED, certificates, history

    if isinstance(target, Path):
        check_sqlite_file(target)
        create_private(target)
    if isinstance(source, Path) and not source.is_file():
        raise RegisterError(f"{source}: no certificate register here (nothing issued yet)")
    if isinstance(source, Path):
        check_sqlite_file(source)
    source_engine = make_engine(source, timeout)
    target_engine = make_engine(target, timeout)
    try:
        upgrade(source_engine, source, create=False, keys=keys)
        upgrade(target_engine, target, create=True)
        counts: dict[str, int] = {}
        with source_engine.connect() as reading, target_engine.connect() as writing:
            writing.info["writing"] = True
            with writing.begin():
                held = writing.execute(select(func.count()).select_from(certificates)).scalar()
                if held:
                    raise RegisterError(
                        f"{describe(target)}: already holds a register ({held} certificates); "
                        "copy only into an empty database"
                    )
                for table in COPIED:
                    rows = [
                        dict(row._mapping)
                        for row in reading.execute(select(table).order_by(*table.primary_key))
                    ]
                    if rows:
                        writing.execute(table.insert(), rows)
                    counts[table.name] = len(rows)
                if writing.dialect.name == "postgresql":
                    writing.execute(
                        text(
                            "SELECT setval(pg_get_serial_sequence('history', 'id'), "
                            "COALESCE((SELECT MAX(id) FROM history), 0) + 1, false)"
                        )
                    )
                copied = writing.execute(select(func.count()).select_from(history)).scalar()
                assert copied == counts["history"]
            reading.rollback()
        return counts
    except DBAPIError as exc:
        from mi_courseware.register.engine import explain

        raise explain(target, exc) from None
    finally:
        source_engine.dispose()
        target_engine.dispose()
