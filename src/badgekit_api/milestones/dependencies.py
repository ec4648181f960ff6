"""`{milestone_id}` resolved in the URL's system."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from badgekit_api.db.database import SessionDep
from badgekit_api.milestones import service as milestone_service
from badgekit_api.models import Milestone
from badgekit_api.scopes import CurrentScope

MilestoneId = Annotated[str, Path(description="The milestone's id")]


async def milestone_in_system(
    milestone_id: MilestoneId, scope: CurrentScope, session: SessionDep
) -> Milestone:
    """The milestone named in the URL, in the URL's system; 404 otherwise."""
    return await milestone_service.get(session, scope.system, milestone_id)


MilestoneDep = Annotated[Milestone, Depends(milestone_in_system)]
