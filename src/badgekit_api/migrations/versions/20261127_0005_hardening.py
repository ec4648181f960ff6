"""seen token ids, failure counters, consumer key rotation

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badgekit_api.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_tokens",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("jti", sa.String(length=128), nullable=False),
        sa.Column("expires_at", badgekit_api.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", "jti", name=op.f("pk_seen_tokens")),
    )
    op.create_index(op.f("ix_seen_tokens_expires_at"), "seen_tokens", ["expires_at"], unique=False)
    op.create_table(
        "failure_counters",
        sa.Column("bucket", sa.String(length=96), nullable=False),
        sa.Column("time_window", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "time_window", name=op.f("pk_failure_counters")),
    )
    op.create_index(
        op.f("ix_failure_counters_time_window"), "failure_counters", ["time_window"], unique=False
    )
    with op.batch_alter_table("consumers") as batch_op:
        batch_op.add_column(sa.Column("previous_secret", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column(
                "previous_secret_expires_at",
                badgekit_api.models.base.UTCDateTime(),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("rotated_at", badgekit_api.models.base.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("consumers") as batch_op:
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("previous_secret_expires_at")
        batch_op.drop_column("previous_secret")
    op.drop_index(op.f("ix_failure_counters_time_window"), table_name="failure_counters")
    op.drop_table("failure_counters")
    op.drop_index(op.f("ix_seen_tokens_expires_at"), table_name="seen_tokens")
    op.drop_table("seen_tokens")
