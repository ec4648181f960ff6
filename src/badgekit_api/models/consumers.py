"""API consumers: per-system keys that sign requests instead of the master secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badgekit_api.models.base import Base, CreatedMixin, IdMixin
from badgekit_api.models.containers import System


class Consumer(IdMixin, CreatedMixin, Base):
    __tablename__ = "consumers"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC verification needs the secret itself, so it cannot be stored as a one-way hash.
    secret: Mapped[str] = mapped_column(String(128))
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id", ondelete="CASCADE"))
    revoked_at: Mapped[datetime | None]
    # After a rotation the old secret keeps working until `previous_secret_expires_at`.
    previous_secret: Mapped[str | None] = mapped_column(String(128))
    previous_secret_expires_at: Mapped[datetime | None]
    rotated_at: Mapped[datetime | None]

    system: Mapped[System] = relationship(lazy="raise")
