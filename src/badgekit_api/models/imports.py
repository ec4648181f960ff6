"""What an import of an original BadgeKit API database has brought across already."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from badgekit_api.models.base import Base, UTCDateTime, utcnow


class ImportedRow(Base):
    """One row of a source database, written here as row `new_id` of the matching table.

    A row is recorded in the transaction that writes it, so an import that is run again,
    or interrupted and run again, skips exactly the rows that are here already. `source`
    names the database imported from, so two original databases can share one target.
    """

    __tablename__ = "imported_rows"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    legacy_table: Mapped[str] = mapped_column(String(32), primary_key=True)
    legacy_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # Set for the rows other rows point at (containers, badges, criteria, milestones,
    # applications, reviews); None for the others, awards included (they are many).
    new_id: Mapped[int | None] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
