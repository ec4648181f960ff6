"""`/systems/{system}/milestones`: list, create, get, update, delete, add and remove
support badges."""

from __future__ import annotations

from fastapi import APIRouter, Response

from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.pagination import PageDep, fetch_page
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.milestones import service as milestone_service
from badgekit_api.milestones.dependencies import MilestoneDep
from badgekit_api.milestones.schemas import (
    MilestoneBadgeInput,
    MilestoneChanged,
    MilestoneCreate,
    MilestoneEnvelope,
    MilestoneList,
    MilestoneUpdate,
)
from badgekit_api.milestones.serializers import milestone_read
from badgekit_api.scopes import CurrentScope

router = APIRouter(prefix="/milestones", tags=["milestones"])


@router.get("", response_model=MilestoneList, response_model_exclude_unset=True)
async def list_milestones(
    scope: CurrentScope, session: SessionDep, page: PageDep, urls: PublicUrlsDep
) -> MilestoneList:
    """The system's milestones, oldest first."""
    statement = milestone_service.list_statement(scope.system)
    milestones, page_data = await fetch_page(session, statement, page)
    listing = MilestoneList(milestones=[milestone_read(item, urls) for item in milestones])
    if page_data is not None:
        listing.page_data = page_data
    return listing


@router.post("", response_model=MilestoneChanged, status_code=201)
async def create_milestone(
    scope: CurrentScope,
    response: Response,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: MilestoneCreate = Body(MilestoneCreate),
) -> MilestoneChanged:
    """Create a milestone from badges of this system."""
    milestone = await milestone_service.create(session, scope.system, data)
    response.headers["Location"] = f"/systems/{scope.system.slug}/milestones/{milestone.id}"
    return MilestoneChanged(status="created", milestone=milestone_read(milestone, urls))


@router.get("/{milestone_id}", response_model=MilestoneEnvelope)
async def get_milestone(milestone: MilestoneDep, urls: PublicUrlsDep) -> MilestoneEnvelope:
    """One milestone by its id."""
    return MilestoneEnvelope(milestone=milestone_read(milestone, urls))


@router.put("/{milestone_id}", response_model=MilestoneChanged)
async def update_milestone(
    scope: CurrentScope,
    milestone: MilestoneDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: MilestoneUpdate = Body(MilestoneUpdate),
) -> MilestoneChanged:
    """Update the given fields; absent ones (`supportBadges` too) are kept."""
    milestone = await milestone_service.update(session, scope.system, milestone, data)
    return MilestoneChanged(status="updated", milestone=milestone_read(milestone, urls))


@router.delete("/{milestone_id}", response_model=MilestoneChanged)
async def delete_milestone(
    milestone: MilestoneDep, session: SessionDep, urls: PublicUrlsDep
) -> MilestoneChanged:
    """Delete a milestone (its badges stay)."""
    shown = milestone_read(milestone, urls)
    await milestone_service.delete(session, milestone)
    return MilestoneChanged(status="deleted", milestone=shown)


@router.post("/{milestone_id}/add-badge", response_model=MilestoneChanged)
async def add_milestone_badge(
    scope: CurrentScope,
    milestone: MilestoneDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: MilestoneBadgeInput = Body(MilestoneBadgeInput),
) -> MilestoneChanged:
    """Add a support badge to the milestone."""
    milestone = await milestone_service.add_badge(session, scope.system, milestone, data.badge_id)
    return MilestoneChanged(status="updated", milestone=milestone_read(milestone, urls))


@router.post("/{milestone_id}/remove-badge", response_model=MilestoneChanged)
async def remove_milestone_badge(
    scope: CurrentScope,
    milestone: MilestoneDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: MilestoneBadgeInput = Body(MilestoneBadgeInput),
) -> MilestoneChanged:
    """Remove a support badge from the milestone (any other badge changes nothing)."""
    milestone = await milestone_service.remove_badge(
        session, scope.system, milestone, data.badge_id
    )
    return MilestoneChanged(status="updated", milestone=milestone_read(milestone, urls))
