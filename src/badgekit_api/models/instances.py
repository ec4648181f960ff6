"""Badge instances: a badge awarded to one earner, published as an Open Badges assertion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badgekit_api.models.badges import Badge
from badgekit_api.models.base import Base, CreatedMixin, IdMixin, UTCDateTime


class BadgeInstance(IdMixin, CreatedMixin, Base):
    """One award. Revoking keeps the row (its assertion must answer "revoked").

    `live` is True while the award stands and NULL once revoked: the unique constraint on
    (badge, email, live) lets an earner hold a badge once, yet be re-awarded after a
    revocation, on every database (NULLs never collide in a unique constraint).
    """

    __tablename__ = "badge_instances"
    __table_args__ = (
        UniqueConstraint("badge_id", "email", "live"),
        Index("ix_badge_instances_email_badge_id", "email", "badge_id"),
    )

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(255))
    issued_on: Mapped[datetime] = mapped_column(UTCDateTime())
    expires: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_code: Mapped[str | None] = mapped_column(String(255))
    comment: Mapped[str | None] = mapped_column(Text)
    # OB 2.0 recipients are hashed with a salt of their own per assertion.
    salt: Mapped[str] = mapped_column(String(64))
    # The Open Badges 1.0 recipient (`sha256$...`) the award was published with when it
    # cannot be worked out from `email`: an imported award whose original hashed the
    # address exactly as it was stored, or an erased earner's tombstone (no email left).
    # Otherwise None.
    published_identity: Mapped[str | None] = mapped_column(String(80))
    live: Mapped[bool | None] = mapped_column(Boolean, default=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    badge: Mapped[Badge] = relationship(lazy="raise")
    evidence: Mapped[list[InstanceEvidence]] = relationship(
        lazy="raise",
        order_by="InstanceEvidence.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class InstanceEvidence(IdMixin, Base):
    """Evidence published in the assertion (an extension: OB 2.0 `evidence`)."""

    __tablename__ = "instance_evidence"

    instance_id: Mapped[int] = mapped_column(
        ForeignKey("badge_instances.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str | None] = mapped_column(String(2048))
    narrative: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
