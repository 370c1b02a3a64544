"""Messages to participants and calendar sequences (schema version 4).

- ``messages``: every message ``send`` wrote to an outbox or the mail server answered, so that
  a second run sends only what the first did not (and a killed run resumes).
- ``calendar_days``: each calendar entry's ``SEQUENCE`` and the digest of its day's details,
  moved on when they change, so that an invitation sent again updates the entry.

Drafted by scripts/new_migration.py from mi_courseware/register/schema.py; the CHECK
constraints (which autogenerate does not render) written by hand. Two new tables, no trigger:
a message record's personal data is erased by ``register forget``, so the rows may change.

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


def upgrade() -> None:
    """The two tables of version 4."""
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
