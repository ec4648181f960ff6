"""State shared by every server process: token ids already used, failure counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from badgekit_api.models.base import Base

MAX_JTI_LENGTH = 128
MAX_BUCKET_LENGTH = 96


class SeenToken(Base):
    """A token `jti` accepted once; its primary key is what refuses the second use."""

    __tablename__ = "seen_tokens"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    jti: Mapped[str] = mapped_column(String(MAX_JTI_LENGTH), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class FailureCounter(Base):
    """Failures of one kind from one client (or on one code) in one fixed time window."""

    __tablename__ = "failure_counters"

    bucket: Mapped[str] = mapped_column(String(MAX_BUCKET_LENGTH), primary_key=True)
    # Unix time divided by the window length: one row per bucket and window.
    time_window: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
