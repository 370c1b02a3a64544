"""Messages to participants and calendar sequences (schema version 4).

- ``messages``: every message ``send`` wrote to an outbox or the mail server answered, so that
  a second run sends only what the first did not (and a killed run resumes).
- ``calendar_days``: each calendar entry's ``SEQUENCE`` and the digest of its day's details,
  moved on when they change, so that an invitation sent again updates the entry.

Drafted by scripts/new_migration.py from mi_courseware/register/schema.py; the CHECK
constraints (which autogenerate does not render) written by hand. The new tables have no
trigger: a message record's personal data is erased by ``register forget``, so its rows may
change. The certificates' guard is written again to let ``register forget`` replace a holder's
identity (their email address, for a roster without ids) by a ``forgotten:`` digest, and
nothing else: number, code and holder stay fixed otherwise.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# as they were at this revision (a later one that adds a kind changes the constraint itself)
MESSAGE_KINDS = ("invitation", "reminder", "certificate", "evaluation")
MESSAGE_RESULTS = ("outbox", "sent", "failed")

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


KEPT = "number, prefix, year, serial, code, event, identity"

#: The holder's identity may change only to a forgotten one (an erasure request).
SQLITE = [
    "DROP TRIGGER certificates_keep_number",
    f"""CREATE TRIGGER certificates_keep_number BEFORE UPDATE OF {KEPT} ON certificates
WHEN NEW.number IS NOT OLD.number OR NEW.prefix IS NOT OLD.prefix OR NEW.year IS NOT OLD.year
    OR NEW.serial IS NOT OLD.serial OR NEW.code IS NOT OLD.code OR NEW.event IS NOT OLD.event
    OR (NEW.identity IS NOT OLD.identity AND NEW.identity NOT LIKE 'forgotten:%')
BEGIN SELECT RAISE(ABORT, 'a certificate keeps its number, code and holder'); END""",
]

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION mi_courseware_guard_certificate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.number, NEW.prefix, NEW.year, NEW.serial, NEW.code, NEW.event)
        IS DISTINCT FROM
       (OLD.number, OLD.prefix, OLD.year, OLD.serial, OLD.code, OLD.event)
       OR (NEW.identity IS DISTINCT FROM OLD.identity AND NEW.identity NOT LIKE 'forgotten:%')
    THEN
        RAISE EXCEPTION 'a certificate keeps its number, code and holder'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status IN ('revoked', 'void') AND NEW.status IS DISTINCT FROM OLD.status THEN
        RAISE EXCEPTION 'a revoked or void certificate never becomes valid again'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$""",
]


def upgrade() -> None:
    """The two tables of version 4, and the certificates' guard again."""
    dialect = op.get_bind().dialect.name
    for statement in SQLITE if dialect == "sqlite" else POSTGRESQL:
        op.execute(statement)
    op.create_table(
        "calendar_days",
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("digest", sa.Text(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event", "day"),
    )
    op.create_table(
        "messages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("day", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=True),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.CheckConstraint(_one_of("kind", MESSAGE_KINDS), name="message_kind"),
        sa.CheckConstraint(_one_of("result", MESSAGE_RESULTS), name="message_result"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("messages_by_event", "messages", ["event", "kind"], unique=False)


def downgrade() -> None:
    """Registers are never taken back."""
    raise NotImplementedError("a register is never downgraded")
