#!/usr/bin/env python3
"""Draft the register's next migration from its declared schema.

    .venv/bin/python scripts/new_migration.py "what changes, in a few words"

Change the metadata in ``mi_courseware/register/schema.py`` first. The script makes a
register through the existing migrations (an SQLite file in a temporary folder), compares it
with the metadata (Alembic's autogenerate, :mod:`mi_courseware.register.compare`) and writes
``mi_courseware/register/migrations/versions/rNNNN_<words>.py`` whose ``upgrade()`` holds the
operations found, in batch mode: ``with op.batch_alter_table(...)`` makes an SQLite table
again with the change (SQLite alters little in place) and alters a PostgreSQL one in place.

Then write beside them, by hand:

- the triggers, as SQL for each dialect (as in r0001 to r0003). Making an SQLite table again
  drops its triggers: create them again after the batch block;
- what autogenerate does not see (the script lists what it finds): CHECK constraints (on
  SQLite they are unnamed, so a table made again keeps them only when given in the batch's
  ``table_args``), ``history``'s AUTOINCREMENT (``table_kwargs={"sqlite_autoincrement":
  True}``), the WHERE of a partial index;
- any data to move; and ``HEAD``, ``REVISIONS`` and ``SCHEMA_VERSION`` in
  ``mi_courseware/register/migrate.py``.

``tests/test_register_schema.py`` then checks that the migrations make exactly the metadata,
on SQLite and on PostgreSQL. Exit status: 0 when a draft was written, 1 when the migrations
already make the metadata (nothing to draft).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from mi_courseware.register import Register
from mi_courseware.register.compare import draft, unseen_differences
from mi_courseware.register.engine import make_engine
from mi_courseware.register.migrate import HEAD, MIGRATIONS, SCHEMA_VERSION

TEMPLATE = '''"""{message} (schema version {version}).

Drafted by scripts/new_migration.py from mi_courseware/register/schema.py; the triggers and
what autogenerate does not see are written by hand beside the generated operations.

Revision ID: {revision}
Revises: {down}
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """{message}."""
    {operations}


def downgrade() -> None:
    """Registers are never taken back."""
    raise NotImplementedError("a register is never downgraded")
'''


def main() -> int:
    """Write the draft; print what is left to write by hand."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("message", help="what the migration changes, in a few words")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="new-migration-") as tmp:
        path = Path(tmp) / "register.sqlite"
        Register(path, keys=Path(tmp) / "keys").close()
        engine = make_engine(path, 30)
        try:
            with engine.connect() as connection:
                operations = draft(connection)
                unseen = unseen_differences(connection)
        finally:
            engine.dispose()
    if not operations and not unseen:
        print(f"the migrations up to {HEAD} already make the metadata: nothing to draft")
        return 1
    revision = f"{int(HEAD) + 1:04d}"
    words = "_".join(re.findall(r"[a-z0-9]+", args.message.lower())[:5]) or "change"
    target = MIGRATIONS / "versions" / f"r{revision}_{words}.py"
    target.write_text(
        TEMPLATE.format(
            message=args.message.strip().rstrip("."),
            version=SCHEMA_VERSION + 1,
            revision=revision,
            down=HEAD,
            operations=operations.strip() or "pass  # only what autogenerate does not see",
        ),
        encoding="utf-8",
    )
    print(f"wrote {target}")
    for line in unseen:
        print(f"  by hand: {line}")
    print("  by hand: the triggers of every table made again; HEAD, REVISIONS, SCHEMA_VERSION")
    print("  then: ruff format it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
