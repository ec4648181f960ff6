"""imports of an original BadgeKit database: rows brought across, published identities

Revision ID: h3a
Revises: h6a
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badgekit_api.models.base

revision: str = "h3a"
down_revision: str | None = "h6a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imported_rows",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("legacy_table", sa.String(length=32), nullable=False),
        sa.Column("legacy_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("new_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", badgekit_api.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "source", "legacy_table", "legacy_id", name=op.f("pk_imported_rows")
        ),
    )
    with op.batch_alter_table("badge_instances") as batch_op:
        batch_op.add_column(sa.Column("published_identity", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("badge_instances") as batch_op:
        batch_op.drop_column("published_identity")
    op.drop_table("imported_rows")
