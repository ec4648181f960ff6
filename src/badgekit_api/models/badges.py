"""Badges (the earnable badge classes) and what hangs off each: criteria, tags, categories,
alignments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badgekit_api.models.base import Base, CreatedMixin, IdMixin
from badgekit_api.models.containers import Issuer, Program, System
from badgekit_api.models.images import Image

if TYPE_CHECKING:
    from badgekit_api.models.milestones import Milestone

MAX_SLUG_LENGTH = 255
MAX_STRAPLINE_LENGTH = 140


def _owned_by_badge() -> Mapped[int]:
    return mapped_column(ForeignKey("badges.id", ondelete="CASCADE"), index=True)


class Badge(IdMixin, CreatedMixin, Base):
    """A badge lives in a system, and optionally in one of its issuers and that issuer's
    program: `issuer_id` is set for issuer- and program-level badges, `program_id` for
    program-level ones, so "in this container or below" is one equality per level."""

    __tablename__ = "badges"
    __table_args__ = (UniqueConstraint("system_id", "slug"),)

    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id", ondelete="CASCADE"))
    issuer_id: Mapped[int | None] = mapped_column(
        ForeignKey("issuers.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(MAX_SLUG_LENGTH))
    name: Mapped[str] = mapped_column(String(255))
    strapline: Mapped[str | None] = mapped_column(String(MAX_STRAPLINE_LENGTH))
    earner_description: Mapped[str] = mapped_column(Text)
    consumer_description: Mapped[str] = mapped_column(Text)
    issuer_url: Mapped[str | None] = mapped_column(String(2048))
    rubric_url: Mapped[str | None] = mapped_column(String(2048))
    criteria_url: Mapped[str] = mapped_column(String(2048))
    time_value: Mapped[int | None] = mapped_column(Integer)
    time_units: Mapped[str | None] = mapped_column(String(16))
    evidence_type: Mapped[str | None] = mapped_column(String(16))
    limit: Mapped[int | None] = mapped_column(Integer)
    unique: Mapped[bool] = mapped_column(Boolean, default=False)
    type: Mapped[str] = mapped_column(String(255))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("images.id", ondelete="SET NULL"), index=True
    )

    system: Mapped[System] = relationship(lazy="raise")
    issuer: Mapped[Issuer | None] = relationship(lazy="raise")
    program: Mapped[Program | None] = relationship(lazy="raise")
    image: Mapped[Image | None] = relationship(lazy="raise")
    criteria: Mapped[list[Criterion]] = relationship(
        lazy="raise", order_by="Criterion.id", cascade="all, delete-orphan", passive_deletes=True
    )
    tags: Mapped[list[BadgeTag]] = relationship(
        lazy="raise", order_by="BadgeTag.id", cascade="all, delete-orphan", passive_deletes=True
    )
    categories: Mapped[list[BadgeCategory]] = relationship(
        lazy="raise",
        order_by="BadgeCategory.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    alignments: Mapped[list[Alignment]] = relationship(
        lazy="raise", order_by="Alignment.id", cascade="all, delete-orphan", passive_deletes=True
    )
    # The milestones this badge is the reward of; the database deletes them with the badge.
    milestones: Mapped[list[Milestone]] = relationship(
        lazy="raise", order_by="Milestone.id", viewonly=True
    )


class Criterion(IdMixin, Base):
    __tablename__ = "badge_criteria"

    badge_id: Mapped[int] = _owned_by_badge()
    description: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)


class BadgeTag(IdMixin, Base):
    __tablename__ = "badge_tags"

    badge_id: Mapped[int] = _owned_by_badge()
    value: Mapped[str] = mapped_column(String(255))


class BadgeCategory(IdMixin, Base):
    __tablename__ = "badge_categories"

    badge_id: Mapped[int] = _owned_by_badge()
    value: Mapped[str] = mapped_column(String(255))


class Alignment(IdMixin, Base):
    """A standard the badge aligns with (OB 1.0 `alignment`)."""

    __tablename__ = "badge_alignments"

    badge_id: Mapped[int] = _owned_by_badge()
    name: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(Text)
