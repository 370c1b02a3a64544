"""Certificates record the date printed on them as their issue date (schema version 5).

``certificates.issued_on``: the date a certificate gives as its issue date (the event's last
day), which ``verify`` and the published site show; ``issued_at`` stays when its number was
reserved, often weeks before the course. Rows of earlier registers have none until their
event's certificates are made again (each run records it); until then the day they were
numbered is shown, as before. A column added in place keeps every trigger of the table.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The issue date as printed."""
    op.execute("ALTER TABLE certificates ADD COLUMN issued_on TEXT")


def downgrade() -> None:
    """Registers are never taken back."""
    raise NotImplementedError("a register is never downgraded")
