"""instances milestones assessment

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:26:28.253575
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badgekit_api.models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("badge_id", sa.Integer(), nullable=False),
        sa.Column("learner", sa.String(length=255), nullable=False),
        sa.Column("assigned_to", sa.String(length=255), nullable=True),
        sa.Column("assigned_expiration", badgekit_api.models.base.UTCDateTime(), nullable=True),
        sa.Column("processed", badgekit_api.models.base.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", badgekit_api.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badges.id"],
            name=op.f("fk_applications_badge_id_badges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("slug", name=op.f("uq_applications_slug")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applications_assigned_to"), ["assigned_to"], unique=False
        )
        batch_op.create_index(
            "ix_applications_badge_id_created_at", ["badge_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_applications_learner"), ["learner"], unique=False)

    op.create_table(
        "badge_instances",
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("badge_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("issued_on", badgekit_api.models.base.UTCDateTime(), nullable=False),
        sa.Column("expires", badgekit_api.models.base.UTCDateTime(), nullable=True),
        sa.Column("claim_code", sa.String(length=255), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=True),
        sa.Column("revoked_at", badgekit_api.models.base.UTCDateTime(), nullable=True),
        sa.Column("revocation_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", badgekit_api.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badges.id"],
            name=op.f("fk_badge_instances_badge_id_badges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_instances")),
        sa.UniqueConstraint(
            "badge_id", "email", "live", name=op.f("uq_badge_instances_badge_id_email_live")
        ),
        sa.UniqueConstraint("slug", name=op.f("uq_badge_instances_slug")),
    )
    with op.batch_alter_table("badge_instances", schema=None) as batch_op:
        batch_op.create_index(
            "ix_badge_instances_email_badge_id", ["email", "badge_id"], unique=False
        )

    op.create_table(
        "milestones",
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("primary_badge_id", sa.Integer(), nullable=False),
        sa.Column("number_required", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", badgekit_api.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["primary_badge_id"],
            ["badges.id"],
            name=op.f("fk_milestones_primary_badge_id_badges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["systems.id"],
            name=op.f("fk_milestones_system_id_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestones_primary_badge_id"), ["primary_badge_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_milestones_system_id"), ["system_id"], unique=False)

    op.create_table(
        "application_evidence",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("media_type", sa.String(length=16), nullable=True),
        sa.Column("reflection", sa.Text(), nullable=True),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_evidence_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["image_id"],
            ["images.id"],
            name=op.f("fk_application_evidence_image_id_images"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_evidence")),
    )
    with op.batch_alter_table("application_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_evidence_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_application_evidence_image_id"), ["image_id"], unique=False
        )

    op.create_table(
        "instance_evidence",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["badge_instances.id"],
            name=op.f("fk_instance_evidence_instance_id_badge_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instance_evidence")),
    )
    with op.batch_alter_table("instance_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instance_evidence_instance_id"), ["instance_id"], unique=False
        )

    op.create_table(
        "milestone_support_badges",
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("badge_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badges.id"],
            name=op.f("fk_milestone_support_badges_badge_id_badges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestones.id"],
            name=op.f("fk_milestone_support_badges_milestone_id_milestones"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "milestone_id", "badge_id", name=op.f("pk_milestone_support_badges")
        ),
    )
    with op.batch_alter_table("milestone_support_badges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestone_support_badges_badge_id"), ["badge_id"], unique=False
        )

    op.create_table(
        "reviews",
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", badgekit_api.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_reviews_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("slug", name=op.f("uq_reviews_slug")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reviews_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "review_items",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["badge_criteria.id"],
            name=op.f("fk_review_items_criterion_id_badge_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_items_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
    )
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_items_criterion_id"), ["criterion_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_items_review_id"), ["review_id"], unique=False)


def downgrade() -> None:
    op.drop_table("review_items")
    op.drop_table("reviews")
    op.drop_table("milestone_support_badges")
    op.drop_table("instance_evidence")
    op.drop_table("application_evidence")
    op.drop_table("milestones")
    op.drop_table("badge_instances")
    op.drop_table("applications")
