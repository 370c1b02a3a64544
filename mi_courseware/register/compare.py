"""How far a register's database is from the schema declared in :mod:`.schema`.

For the test suite (a register made through the migrations is the metadata exactly, on
SQLite and on PostgreSQL) and for ``scripts/new_migration.py`` (the next migration drafted
from the metadata, :func:`draft`). Alembic's autogenerate comparison covers tables, columns,
types, server defaults, primary and foreign keys and indexes; :func:`unseen_differences`
compares what it leaves out: unique constraints on SQLite (unnamed there), CHECK
constraints, the WHERE of a partial index, and SQLite's AUTOINCREMENT.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mi_courseware.register.schema import metadata

if TYPE_CHECKING:
    from sqlalchemy import MetaData
    from sqlalchemy.engine import Connection


def autogenerate_context(connection: Connection) -> Any:
    """Alembic's migration context for comparing ``connection``'s database with a metadata
    (types and server defaults compared too)."""
    from alembic.migration import MigrationContext

    return MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )


def differences(connection: Connection, declared: MetaData = metadata) -> list[Any]:
    """Alembic's ``compare_metadata`` of the database and the metadata (an empty list: the
    same), less what SQLite cannot say (:func:`sqlite_cannot_say`)."""
    from alembic.autogenerate import compare_metadata

    dialect = connection.dialect.name
    found: list[Any] = []
    for diff in compare_metadata(autogenerate_context(connection), declared):
        if not isinstance(diff, list):  # a table, a column, an index or a key
            found.append(diff)
            continue
        column = declared.tables[diff[0][2]].c[diff[0][3]]  # changes to one column
        kept = [d for d in diff if not sqlite_cannot_say(dialect, column, d[0], d[-1])]
        if kept:
            found.append(kept)
    return found


def sqlite_cannot_say(dialect: str, column: Any, change: str, new: object) -> bool:
    """Whether a column's reported change is only SQLite's way of saying what the metadata
    says: it reads a PRIMARY KEY declared without NOT NULL as nullable (the register's first
    release declared them so; PostgreSQL makes them NOT NULL), and it has no identity
    columns (``history.id`` is ``INTEGER PRIMARY KEY AUTOINCREMENT`` there instead)."""
    if dialect != "sqlite":
        return False
    if change == "modify_nullable":
        return bool(column.primary_key) and new is False
    if change == "modify_default":
        return column.identity is not None and new is column.identity
    return False


def draft(connection: Connection, declared: MetaData = metadata) -> str:
    """The operations that bring the database to the metadata, as the Python of a migration's
    ``upgrade()`` in batch mode (``op.batch_alter_table``: on SQLite a table is made again
    with the change); empty when there is nothing to do."""
    from alembic.autogenerate import produce_migrations, render_python_code
    from alembic.operations import ops

    context = autogenerate_context(connection)
    upgrade = produce_migrations(context, declared).upgrade_ops
    assert upgrade is not None
    dialect, kept = connection.dialect.name, []
    for operation in upgrade.ops:
        if isinstance(operation, ops.ModifyTableOps):
            for change in operation.ops:
                if isinstance(change, ops.AlterColumnOp):
                    column = declared.tables[change.table_name].c[change.column_name]
                    if sqlite_cannot_say(
                        dialect, column, "modify_nullable", change.modify_nullable
                    ):
                        change.modify_nullable = None
                    if sqlite_cannot_say(
                        dialect, column, "modify_default", change.modify_server_default
                    ):
                        change.modify_server_default = False
            operation.ops = [
                c for c in operation.ops if not isinstance(c, ops.AlterColumnOp) or c.has_changes()
            ]
        if not isinstance(operation, ops.ModifyTableOps) or operation.ops:
            kept.append(operation)
    upgrade.ops = kept
    if upgrade.is_empty():
        return ""
    return str(render_python_code(upgrade, render_as_batch=True, migration_context=context))


def unseen_differences(connection: Connection, declared: MetaData = metadata) -> list[str]:
    """What autogenerate does not compare, each difference as a line (empty: the same)."""
    database = _database_facts(connection, declared)
    written = _declared_facts(declared, connection.dialect.name)
    return [f"only in the database: {fact}" for fact in sorted(database - written)] + [
        f"only in the metadata: {fact}" for fact in sorted(written - database)
    ]


def _check(sqltext: str) -> tuple[str, ...]:
    """A CHECK constraint as its column and the values it allows, in order (PostgreSQL gives
    ``status IN ('a', 'b')`` back as ``status = ANY (ARRAY['a'::text, 'b'::text])``)."""
    column = re.match(r"\W*(\w+)", sqltext)
    return (column.group(1) if column else "", *re.findall(r"'([^']*)'", sqltext))


def _predicate(where: object) -> str:
    """A partial index's WHERE, without the parentheses a database adds."""
    return "" if where is None else str(where).strip().removeprefix("(").removesuffix(")")


def _database_facts(connection: Connection, declared: MetaData) -> set[tuple[str, ...]]:
    from sqlalchemy import inspect

    inspector = inspect(connection)
    dialect = connection.dialect.name
    facts: set[tuple[str, ...]] = set()
    present = set(inspector.get_table_names())
    for table in declared.tables:
        if table not in present:  # a new table: the draft makes it
            continue
        for unique in inspector.get_unique_constraints(table):
            facts.add((table, "unique", *unique["column_names"]))
        for check in inspector.get_check_constraints(table):
            facts.add((table, "check", *_check(check["sqltext"])))
        for index in inspector.get_indexes(table):
            if not index.get("duplicates_constraint"):  # PostgreSQL's index of a UNIQUE
                where = index.get("dialect_options", {}).get(f"{dialect}_where")
                facts.add((table, "index", str(index["name"]), _predicate(where)))
        if dialect == "sqlite":
            sql = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).scalar()
            if "AUTOINCREMENT" in str(sql).upper():
                facts.add((table, "autoincrement"))
    return facts


def _declared_facts(declared: MetaData, dialect: str) -> set[tuple[str, ...]]:
    from sqlalchemy import CheckConstraint, UniqueConstraint

    facts: set[tuple[str, ...]] = set()
    for table in declared.tables.values():
        constraints = [*table.constraints, *(c for col in table.columns for c in col.constraints)]
        for constraint in constraints:
            if isinstance(constraint, UniqueConstraint):
                facts.add((table.name, "unique", *(c.name for c in constraint.columns)))
            elif isinstance(constraint, CheckConstraint):
                facts.add((table.name, "check", *_check(str(constraint.sqltext))))
        for index in table.indexes:
            where = index.dialect_options[dialect]["where"]
            facts.add((table.name, "index", str(index.name), _predicate(where)))
        if dialect == "sqlite" and table.dialect_options["sqlite"]["autoincrement"]:
            facts.add((table.name, "autoincrement"))
    return facts
