"""Certificate states, the counter row, signing keys and sites (schema version 2).

- ``prepared`` and ``void`` join the states, ``prepared``, ``confirmed`` and ``voided`` the
  history's actions, and ``confirmed_at`` records when a prepared certificate was confirmed.
- ``counters`` holds the last serial per prefix and year, filled from the certificates
  already numbered.
- ``signing_keys`` (one Ed25519 key per client) and ``sites`` (the salt of each published
  verification site).
- The database refuses to change a certificate's number, code or holder identity, and to
  bring a revoked or void certificate back.

SQLite cannot change a CHECK constraint in place, so its two tables are rebuilt (the
procedure of SQLite's ALTER TABLE documentation: new table, copy, drop, rename, with foreign
keys switched off by the caller around the transaction).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATES = "'pending', 'prepared', 'issued', 'reissued', 'revoked', 'void'"
ACTIONS = "'issued', 'reissued', 'regenerated', 'revoked', 'prepared', 'confirmed', 'voided'"
KEPT = "number, prefix, year, serial, code, event, identity"

NEW_TABLES = [
    """CREATE TABLE counters (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
)""",
    """INSERT INTO counters (prefix, year, last)
SELECT prefix, year, MAX(serial) FROM certificates GROUP BY prefix, year""",
    """CREATE TABLE signing_keys (
    client TEXT PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL
)""",
    """CREATE TABLE sites (
    site TEXT PRIMARY KEY,
    salt TEXT NOT NULL,
    created_at TEXT NOT NULL
)""",
]

COLUMNS = (
    "number, prefix, year, serial, code, event, identity, name, course, client, dates, "
    "cpd_hours, issued_at, changed_at, sha256, status, pending_name, pending_at, pending_sha256"
)

SQLITE = [
    "DROP TRIGGER certificates_no_delete",
    "DROP TRIGGER history_no_update",
    "DROP TRIGGER history_no_delete",
    f"""CREATE TABLE certificates_new (
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
    status TEXT NOT NULL CHECK (status IN ({STATES})),
    pending_name TEXT,
    pending_at TEXT,
    pending_sha256 TEXT,
    confirmed_at TEXT,
    UNIQUE (prefix, year, serial),
    UNIQUE (event, identity)
)""",
    f"INSERT INTO certificates_new ({COLUMNS}) SELECT {COLUMNS} FROM certificates",
    "DROP TABLE certificates",
    "ALTER TABLE certificates_new RENAME TO certificates",
    f"""CREATE TABLE history_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL REFERENCES certificates (number),
    at TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ({ACTIONS})),
    name TEXT NOT NULL,
    sha256 TEXT,
    detail TEXT NOT NULL DEFAULT ''
)""",
    "INSERT INTO history_new (id, number, at, action, name, sha256, detail)"
    " SELECT id, number, at, action, name, sha256, detail FROM history ORDER BY id",
    "DROP TABLE history",
    "ALTER TABLE history_new RENAME TO history",
    "CREATE INDEX history_by_sha ON history (sha256)",
    "CREATE INDEX certificates_by_event ON certificates (event)",
    """CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'the certificate history is append-only'); END""",
    """CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'the certificate history is append-only'); END""",
    """CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are never deleted; revoke them instead'); END""",
    f"""CREATE TRIGGER certificates_keep_number BEFORE UPDATE OF {KEPT} ON certificates
WHEN NEW.number IS NOT OLD.number OR NEW.prefix IS NOT OLD.prefix OR NEW.year IS NOT OLD.year
    OR NEW.serial IS NOT OLD.serial OR NEW.code IS NOT OLD.code OR NEW.event IS NOT OLD.event
    OR NEW.identity IS NOT OLD.identity
BEGIN SELECT RAISE(ABORT, 'a certificate keeps its number, code and holder'); END""",
    """CREATE TRIGGER certificates_final_states BEFORE UPDATE OF status ON certificates
WHEN OLD.status IN ('revoked', 'void') AND NEW.status IS NOT OLD.status
BEGIN SELECT RAISE(ABORT, 'a revoked or void certificate never becomes valid again'); END""",
    *NEW_TABLES,
]

POSTGRESQL = [
    "ALTER TABLE certificates DROP CONSTRAINT certificate_status",
    f"ALTER TABLE certificates ADD CONSTRAINT certificate_status CHECK (status IN ({STATES}))",
    "ALTER TABLE certificates ADD COLUMN confirmed_at TEXT",
    "ALTER TABLE history DROP CONSTRAINT history_action",
    f"ALTER TABLE history ADD CONSTRAINT history_action CHECK (action IN ({ACTIONS}))",
    "CREATE INDEX certificates_by_event ON certificates (event)",
    """CREATE FUNCTION mi_courseware_guard_certificate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.number, NEW.prefix, NEW.year, NEW.serial, NEW.code, NEW.event, NEW.identity)
        IS DISTINCT FROM
       (OLD.number, OLD.prefix, OLD.year, OLD.serial, OLD.code, OLD.event, OLD.identity) THEN
        RAISE EXCEPTION 'a certificate keeps its number, code and holder'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status IN ('revoked', 'void') AND NEW.status IS DISTINCT FROM OLD.status THEN
        RAISE EXCEPTION 'a revoked or void certificate never becomes valid again'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$""",
    """CREATE TRIGGER certificates_guard BEFORE UPDATE ON certificates
FOR EACH ROW EXECUTE FUNCTION mi_courseware_guard_certificate()""",
    *NEW_TABLES,
]


def upgrade() -> None:
    """States, counters, keys and sites."""
    dialect = op.get_bind().dialect.name
    for statement in SQLITE if dialect == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    """Registers are never taken back."""
    raise NotImplementedError("a register is never downgraded")
