"""The lock that makes awards of one badge take turns.

Every database reads the latest committed rows at each statement here: PostgreSQL and
MySQL/MariaDB run at READ COMMITTED (see database.py), SQLite runs one writing transaction
at a time. So a count taken after waiting for this lock sees what the lock holder wrote.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.models import Badge


async def lock_badge(session: AsyncSession, badge_id: int) -> None:
    """Hold the badge row until commit, so awards that count its earners go one at a time."""
    await session.execute(select(Badge.id).where(Badge.id == badge_id).with_for_update())
