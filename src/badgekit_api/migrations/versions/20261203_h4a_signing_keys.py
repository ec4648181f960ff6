"""signing keys of the issuer profiles (DID documents, credential and status list proofs)

Revision ID: h4a
Revises: 0006
Create Date: 2026-12-03 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from badgekit_api.models.base import UTCDateTime

revision: str = "h4a"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("owner", sa.String(length=32), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=True),
        sa.Column("issuer_id", sa.Integer(), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        sa.Column("public_multibase", sa.String(length=128), nullable=False),
        sa.Column("encrypted_private_key", sa.LargeBinary(), nullable=True),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN system_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN issuer_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN program_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_signing_keys_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["systems.id"],
            name=op.f("fk_signing_keys_system_id_systems"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_signing_keys_issuer_id_issuers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_signing_keys_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("owner", "number", name=op.f("uq_signing_keys_owner_number")),
    )
    with op.batch_alter_table("signing_keys") as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_keys_system_id"), ["system_id"])
        batch_op.create_index(batch_op.f("ix_signing_keys_issuer_id"), ["issuer_id"])
        batch_op.create_index(batch_op.f("ix_signing_keys_program_id"), ["program_id"])


def downgrade() -> None:
    op.drop_table("signing_keys")
