"""Assigning an application to a reviewer, who keeps it until their deadline passes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.errors import Conflict
from badgekit_api.models import Application
from badgekit_api.models.base import utcnow
from badgekit_api.timestamps import iso_millis


async def assign(
    session: AsyncSession,
    application_id: int,
    reviewer: str | None,
    deadline: datetime | None,
    *,
    deadline_given: bool = True,
) -> None:
    """Give the application to `reviewer`, or unassign it (None), with `deadline`.

    Another reviewer can take it over only once the current assignment has expired: that is
    the WHERE clause of one conditional UPDATE, so of two reviewers claiming an application
    at once the database lets one win and the other gets a 409. Without a deadline given, the
    same reviewer keeps theirs and a new reviewer (or nobody) has none.
    """
    new_deadline: Any = deadline
    if not deadline_given:
        new_deadline = (
            case((Application.assigned_to == reviewer, Application.assigned_expiration))
            if reviewer is not None
            else None
        )
    statement = update(Application).where(Application.id == application_id)
    if reviewer is not None:
        statement = statement.where(
            or_(
                Application.assigned_to.is_(None),
                Application.assigned_to == reviewer,
                Application.assigned_expiration <= utcnow(),
            )
        )
    # MySQL evaluates SET left to right, each seeing the values already set: the deadline goes
    # first so that its CASE compares with the previous reviewer.
    statement = statement.ordered_values(
        (Application.assigned_expiration, new_deadline), (Application.assigned_to, reviewer)
    ).execution_options(synchronize_session=False)
    result = cast(CursorResult[Any], await session.execute(statement))
    if result.rowcount != 1:
        raise await _conflict(session, application_id)


async def _conflict(session: AsyncSession, application_id: int) -> Conflict:
    reviewer, deadline = (
        await session.execute(
            select(Application.assigned_to, Application.assigned_expiration).where(
                Application.id == application_id
            )
        )
    ).one()
    shown = iso_millis(deadline) if deadline is not None else None
    until = f" until {shown}" if shown else ""
    return Conflict(
        f"Application is assigned to another reviewer{until}",
        details={"assignedTo": reviewer, "assignedExpiration": shown},
    )
