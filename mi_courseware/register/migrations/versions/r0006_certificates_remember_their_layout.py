"""Certificates remember the design they were laid out in (schema version 6).

- ``certificates.layout``: the number of the certificate design a certificate was issued in
  (:data:`mi_courseware.certificates.common.LAYOUT`). A later design applies to certificates
  issued from then on; one already issued is laid out as it was, so its file keeps its bytes
  (empty for every certificate issued before this revision: the first design).

A column added in place (``ALTER TABLE ... ADD COLUMN`` on SQLite and PostgreSQL alike), so
no table is made again and every trigger stays.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The certificates' design number."""
    op.add_column("certificates", sa.Column("layout", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Registers are never taken back."""
    raise NotImplementedError("a register is never downgraded")
