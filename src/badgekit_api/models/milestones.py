"""Milestones: a primary badge earned by holding enough of a set of support badges."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badgekit_api.models.badges import Badge
from badgekit_api.models.base import Base, CreatedMixin, IdMixin

milestone_support_badges = Table(
    "milestone_support_badges",
    Base.metadata,
    Column("milestone_id", ForeignKey("milestones.id", ondelete="CASCADE"), primary_key=True),
    Column("badge_id", ForeignKey("badges.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Milestone(IdMixin, CreatedMixin, Base):
    __tablename__ = "milestones"

    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id", ondelete="CASCADE"), index=True)
    primary_badge_id: Mapped[int] = mapped_column(
        ForeignKey("badges.id", ondelete="CASCADE"), index=True
    )
    number_required: Mapped[int] = mapped_column(Integer)
    # `issue` awards the primary badge; `queue-application` files an application for it.
    action: Mapped[str] = mapped_column(String(32), default="issue")

    primary_badge: Mapped[Badge] = relationship(lazy="raise")
    support_badges: Mapped[list[Badge]] = relationship(
        secondary=milestone_support_badges, lazy="raise", order_by="Badge.id"
    )
