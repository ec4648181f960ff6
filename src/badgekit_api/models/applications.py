"""Assessment: earners' applications for a badge, their evidence, and reviewers' reviews."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badgekit_api.models.badges import Badge
from badgekit_api.models.base import Base, CreatedMixin, IdMixin, UTCDateTime
from badgekit_api.models.images import Image


class Application(IdMixin, CreatedMixin, Base):
    __tablename__ = "applications"
    __table_args__ = (Index("ix_applications_badge_id_created_at", "badge_id", "created_at"),)

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"))
    learner: Mapped[str] = mapped_column(String(255), index=True)
    assigned_to: Mapped[str | None] = mapped_column(String(255), index=True)
    assigned_expiration: Mapped[datetime | None] = mapped_column(UTCDateTime())
    processed: Mapped[datetime | None] = mapped_column(UTCDateTime())

    badge: Mapped[Badge] = relationship(lazy="raise")
    evidence: Mapped[list[ApplicationEvidence]] = relationship(
        lazy="raise",
        order_by="ApplicationEvidence.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    reviews: Mapped[list[Review]] = relationship(
        lazy="raise", order_by="Review.id", cascade="all, delete-orphan", passive_deletes=True
    )


class ApplicationEvidence(IdMixin, Base):
    """One evidence item: a link or an image (given as a URL or uploaded), and a reflection."""

    __tablename__ = "application_evidence"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    url: Mapped[str | None] = mapped_column(String(2048))
    media_type: Mapped[str | None] = mapped_column(String(16))
    reflection: Mapped[str | None] = mapped_column(Text)
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("images.id", ondelete="SET NULL"), index=True
    )

    image: Mapped[Image | None] = relationship(lazy="raise")


class Review(IdMixin, CreatedMixin, Base):
    __tablename__ = "reviews"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(255))
    comment: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list[ReviewItem]] = relationship(
        lazy="raise", order_by="ReviewItem.id", cascade="all, delete-orphan", passive_deletes=True
    )


class ReviewItem(IdMixin, Base):
    """A reviewer's verdict on one criterion of the badge."""

    __tablename__ = "review_items"

    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("badge_criteria.id", ondelete="CASCADE"), index=True
    )
    satisfied: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str | None] = mapped_column(Text)
