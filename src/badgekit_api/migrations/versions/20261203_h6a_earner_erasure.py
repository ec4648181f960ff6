"""earner erasure: an award may lose its email (its published identity stays, see h3a)

Revision ID: h6a
Revises: h4a
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h6a"
down_revision: str | None = "h4a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("badge_instances") as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=255), nullable=True)


def downgrade() -> None:
    # Fails, changing nothing, while an erased award exists: its email is gone for good.
    with op.batch_alter_table("badge_instances") as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=255), nullable=False)
