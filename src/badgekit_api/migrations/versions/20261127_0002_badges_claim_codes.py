"""badges, their criteria / tags / categories / alignments, and claim codes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 13:17:04.732067
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import badgekit_api.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "badges",
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("strapline", sa.String(length=140), nullable=True),
        sa.Column("earner_description", sa.Text(), nullable=False),
        sa.Column("consumer_description", sa.Text(), nullable=False),
        sa.Column("issuer_url", sa.String(length=2048), nullable=True),
        sa.Column("rubric_url", sa.String(length=2048), nullable=True),
        sa.Column("criteria_url", sa.String(length=2048), nullable=False),
        sa.Column("time_value", sa.Integer(), nullable=True),
        sa.Column("time_units", sa.String(length=16), nullable=True),
        sa.Column("evidence_type", sa.String(length=16), nullable=True),
        sa.Column("limit", sa.Integer(), nullable=True),
        sa.Column("unique", sa.Boolean(), nullable=False),
        sa.Column("type", sa.String(length=255), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", badgekit_api.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["image_id"], ["images.id"], name=op.f("fk_badges_image_id_images"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_badges_issuer_id_issuers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_badges_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["systems.id"],
            name=op.f("fk_badges_system_id_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badges")),
        sa.UniqueConstraint("system_id", "slug", name=op.f("uq_badges_system_id_slug")),
    )
    with op.batch_alter_table("badges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badges_image_id"), ["image_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_badges_issuer_id"), ["issuer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_badges_program_id"), ["program_id"], unique=False)

    op.create_table(
        "badge_alignments",
        sa.Column("badge_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badges.id"],
            name=op.f("fk_badge_alignments_badge_id_badges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_alignments")),
    )
    with op.batch_alter_table("badge_alignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_badge_alignments_badge_id"), ["badge_id"], unique=False
        )

    op.create_table(
        "badge_categories",
        sa.Column("badge_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badges.id"],
            name=op.f("fk_badge_categories_badge_id_badges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_categories")),
    )
    with op.batch_alter_table("badge_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_badge_categories_badge_id"), ["badge_id"], unique=False
        )

    op.create_table(
        "badge_criteria",
        sa.Column("badge_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badges.id"],
            name=op.f("fk_badge_criteria_badge_id_badges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_criteria")),
    )
    with op.batch_alter_table("badge_criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_criteria_badge_id"), ["badge_id"], unique=False)

    op.create_table(
        "badge_tags",
        sa.Column("badge_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badges.id"],
            name=op.f("fk_badge_tags_badge_id_badges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_tags")),
    )
    with op.batch_alter_table("badge_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_tags_badge_id"), ["badge_id"], unique=False)

    op.create_table(
        "claim_codes",
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("badge_id", sa.Integer(), nullable=False),
        sa.Column(
            "code",
            sa.String(length=255)
            .with_variant(mysql.VARCHAR(collation="utf8mb4_bin", length=255), "mariadb")
            .with_variant(mysql.VARCHAR(collation="utf8mb4_bin", length=255), "mysql"),
            nullable=False,
        ),
        sa.Column("claimed", sa.Boolean(), nullable=False),
        sa.Column("multiuse", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", badgekit_api.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badges.id"],
            name=op.f("fk_claim_codes_badge_id_badges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["systems.id"],
            name=op.f("fk_claim_codes_system_id_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_codes")),
        sa.UniqueConstraint("system_id", "code", name=op.f("uq_claim_codes_system_id_code")),
    )
    with op.batch_alter_table("claim_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_codes_badge_id"), ["badge_id"], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes; dropping those first fails on MySQL, which
    # needs them for the foreign keys.
    for table in (
        "claim_codes",
        "badge_tags",
        "badge_criteria",
        "badge_categories",
        "badge_alignments",
        "badges",
    ):
        op.drop_table(table)
