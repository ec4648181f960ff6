"""Webhooks a system registers, and the outbox of events waiting to be delivered to them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badgekit_api.models.base import Base, CreatedMixin, IdMixin, UTCDateTime

# TEXT on MySQL stops at 64 KiB; an award payload embeds a whole badge.
PayloadText = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Webhook(IdMixin, CreatedMixin, Base):
    __tablename__ = "webhooks"

    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    # Signing needs the secret itself, so it cannot be stored as a one-way hash.
    secret: Mapped[str] = mapped_column(String(128))
    # The actions it wants, comma-separated (`award,review,revoke`).
    events: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def actions(self) -> list[str]:
        return [action for action in self.events.split(",") if action]


class WebhookEvent(Base):
    """One event for one webhook: the outbox row the delivery worker claims and sends."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        Index("ix_webhook_events_due", "status", "next_attempt_at"),
        Index("ix_webhook_events_stalled", "status", "locked_until"),
        Index("ix_webhook_events_listing", "webhook_id", "created_at"),
    )

    # A UUID: also the JWT `jti` and the `X-BadgeKit-Event-Id` header.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id", ondelete="CASCADE"))
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    # The exact JSON text that is sent (and hashed in the signature).
    payload: Mapped[str] = mapped_column(PayloadText, deferred=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set by each claim; a worker whose lease ran out cannot overwrite a newer claim's result.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    webhook: Mapped[Webhook] = relationship(lazy="raise")
