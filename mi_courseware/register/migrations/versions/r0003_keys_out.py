"""Private signing keys leave the register; certificates name their issuer's key (version 3).

- Each private key in ``signing_keys`` is written to the key store (``keys/`` beside an
  SQLite register, the project's ``records/keys/`` for a database server; see
  :mod:`mi_courseware.register.keys`), checked against its fingerprint, before the table is
  made again without it. The new table holds every key a client has used: the current one,
  and those retired by rotation (``retired_at``); the database refuses to delete one, since
  records it signed must keep verifying.
- ``certificates.key_id``: the fingerprint printed on a certificate (empty for those issued
  before, whose files stay as they were).
- ``record_secrets``: what each published record's name and key are derived from.

The old table is dropped, not altered: PostgreSQL then removes its file, and on SQLite its
pages are overwritten with zeros as they are freed (``secure_delete``, set by the caller),
and the file is compacted with ``VACUUM`` once the migration has committed. (Not in Alembic's
batch mode, which would alter the table in place on PostgreSQL, where a dropped column's bytes
stay in the table's file; the new table's key keeps the name PostgreSQL gives it here,
``signing_keys_new_pkey``, as ``register/schema.py`` says.)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KEYS = [
    """CREATE TABLE signing_keys_new (
    key_id TEXT PRIMARY KEY,
    client TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT
)""",
    "INSERT INTO signing_keys_new (key_id, client, public_key, created_at)"
    " SELECT key_id, client, public_key, created_at FROM signing_keys",
    "DROP TABLE signing_keys",
    "ALTER TABLE signing_keys_new RENAME TO signing_keys",
    "CREATE UNIQUE INDEX signing_keys_current ON signing_keys (client) WHERE retired_at IS NULL",
    "ALTER TABLE certificates ADD COLUMN key_id TEXT",
    """CREATE TABLE record_secrets (
    salt TEXT NOT NULL,
    iterations INTEGER NOT NULL,
    code TEXT NOT NULL,
    secret TEXT NOT NULL,
    PRIMARY KEY (salt, iterations, code)
)""",
]

SQLITE = [
    """CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are never deleted; rotate them instead'); END""",
]

POSTGRESQL = [
    """CREATE FUNCTION mi_courseware_keep_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'signing keys are never deleted; rotate them instead'
        USING ERRCODE = 'integrity_constraint_violation';
END $$""",
    """CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
FOR EACH ROW EXECUTE FUNCTION mi_courseware_keep_keys()""",
]


def upgrade() -> None:
    """Keys into the key store, then the tables of version 3."""
    from mi_courseware.register.engine import describe
    from mi_courseware.register.keys import move_out

    bind = op.get_bind()
    rows = bind.execute(text("SELECT key_id, private_key, client FROM signing_keys")).all()
    if rows:
        where = bind.info.get("location", "the register")
        move_out([tuple(r) for r in rows], bind.info.get("key_folder"), describe(where))
    dialect = bind.dialect.name
    for statement in [*KEYS, *(SQLITE if dialect == "sqlite" else POSTGRESQL)]:
        op.execute(statement)


def downgrade() -> None:
    """Registers are never taken back."""
    raise NotImplementedError("a register is never downgraded")
