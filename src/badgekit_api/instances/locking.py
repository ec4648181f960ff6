"""Reads that must see what concurrent awards committed, and the locks that order them.

PostgreSQL (READ COMMITTED) starts every statement from the latest committed data, so a
count taken after waiting for a lock sees what the lock holder wrote. InnoDB's default
REPEATABLE READ keeps reading the snapshot of the transaction's first read instead; only
a locking read (`LOCK IN SHARE MODE`) sees the latest rows there. SQLite runs one writing
transaction at a time (see database.py), so neither is needed on it.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import GenerativeSelect

from badgekit_api.models import Badge

SelectT = TypeVar("SelectT", bound=GenerativeSelect)


def current_read(session: AsyncSession, statement: SelectT) -> SelectT:
    """`statement`, made to read the latest committed rows on every database."""
    if session.get_bind().dialect.name == "mysql":
        return statement.with_for_update(read=True)
    return statement


async def lock_badge(session: AsyncSession, badge: Badge) -> None:
    """Hold the badge row until commit, so awards that count its earners go one at a time."""
    await session.execute(select(Badge.id).where(Badge.id == badge.id).with_for_update())
