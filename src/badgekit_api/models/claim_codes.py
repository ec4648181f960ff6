"""Claim codes: what an earner types to claim a badge."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column

from badgekit_api.models.base import Base, CreatedMixin, IdMixin

MAX_CODE_LENGTH = 255
# Codes compare byte for byte everywhere; MySQL's default collation would match `ABC`
# with `abc` (and refuse both on one badge) where PostgreSQL and SQLite would not.
CodeString = String(MAX_CODE_LENGTH).with_variant(
    mysql.VARCHAR(MAX_CODE_LENGTH, collation="utf8mb4_bin"), "mysql", "mariadb"
)


class ClaimCode(IdMixin, CreatedMixin, Base):
    """A code is unique per badge, as in the original (its key `code_and_badge`): two
    badges may carry the same code, and databases moved from the original hold such pairs.

    `system_id` repeats the badge's system (badges never move between systems) so that
    `/systems/:s/codes/:code` finds a code's badges through one index. The unique key
    starts with `badge_id`, so it also serves the foreign key and a badge's list of codes.
    """

    __tablename__ = "claim_codes"
    __table_args__ = (
        UniqueConstraint("badge_id", "code"),
        Index("ix_claim_codes_system_id_code", "system_id", "code"),
    )

    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id", ondelete="CASCADE"))
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(CodeString)
    claimed: Mapped[bool] = mapped_column(Boolean, default=False)
    multiuse: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(255))
