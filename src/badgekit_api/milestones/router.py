"""`/systems/{system}/milestones`: list, create, get, update, delete, add and remove
support badges.

Every answer is the milestone as `queries.py` writes it: reads find it in the request's
start statement, writes read it back after changing its rows.
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse

from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, object_response, page_response
from badgekit_api.http.pagination import PageDep
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.milestones import queries
from badgekit_api.milestones import service as milestone_service
from badgekit_api.milestones.schemas import (
    MilestoneBadgeInput,
    MilestoneChanged,
    MilestoneCreate,
    MilestoneEnvelope,
    MilestoneList,
    MilestoneUpdate,
)
from badgekit_api.scopes import CurrentScope
from badgekit_api.scopes.start import StartedDep, reads

router = APIRouter(prefix="/milestones", tags=["milestones"])
MilestoneId = Annotated[str, Path(description="The milestone's id")]


def _updated(shown: str) -> Response:
    return object_response({"status": "updated", "milestone": JsonText(shown)})


@router.get("", response_model=MilestoneList, response_class=JSONResponse)
@reads(queries.SYSTEM_MILESTONES)
async def list_milestones(started: StartedDep, page: PageDep) -> Response:
    """The system's milestones, oldest first."""
    return page_response("milestones", started.row, page)


@router.post("", response_model=MilestoneChanged, status_code=201, response_class=JSONResponse)
async def create_milestone(
    scope: CurrentScope,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: MilestoneCreate = Body(MilestoneCreate),
) -> Response:
    """Create a milestone from badges of this system."""
    milestone_id = await milestone_service.create_milestone(session, scope.system, data)
    shown = await queries.milestone_by_id(session, milestone_id, urls.origin)
    return object_response(
        {"status": "created", "milestone": JsonText(shown)},
        status_code=201,
        headers={"Location": f"/systems/{scope.system.slug}/milestones/{milestone_id}"},
    )


@router.get("/{milestone_id}", response_model=MilestoneEnvelope, response_class=JSONResponse)
@reads(queries.ONE_MILESTONE)
async def get_milestone(milestone_id: MilestoneId, started: StartedDep) -> Response:
    """One milestone by its id."""
    shown = queries.found_milestone(started.row, milestone_id)
    return object_response({"milestone": JsonText(shown)})


@router.put("/{milestone_id}", response_model=MilestoneChanged, response_class=JSONResponse)
@reads(queries.ONE_MILESTONE)
async def update_milestone(
    milestone_id: MilestoneId,
    scope: CurrentScope,
    started: StartedDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: MilestoneUpdate = Body(MilestoneUpdate),
) -> Response:
    """Update the given fields; absent ones (`supportBadges` too) are kept."""
    current = orjson.loads(queries.found_milestone(started.row, milestone_id))
    await milestone_service.update_milestone(session, scope.system, current, data)
    return _updated(await queries.milestone_by_id(session, current["id"], urls.origin))


@router.delete("/{milestone_id}", response_model=MilestoneChanged, response_class=JSONResponse)
@reads(queries.ONE_MILESTONE)
async def delete_milestone(
    milestone_id: MilestoneId, started: StartedDep, session: SessionDep
) -> Response:
    """Delete a milestone (its badges stay)."""
    shown = queries.found_milestone(started.row, milestone_id)
    await milestone_service.delete_milestone(session, orjson.loads(shown)["id"])
    return object_response({"status": "deleted", "milestone": JsonText(shown)})


@router.post(
    "/{milestone_id}/add-badge", response_model=MilestoneChanged, response_class=JSONResponse
)
@reads(queries.ONE_MILESTONE)
async def add_milestone_badge(
    milestone_id: MilestoneId,
    scope: CurrentScope,
    started: StartedDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: MilestoneBadgeInput = Body(MilestoneBadgeInput),
) -> Response:
    """Add a support badge to the milestone."""
    current = orjson.loads(queries.found_milestone(started.row, milestone_id))
    await milestone_service.add_badge(session, scope.system, current, data.badge_id)
    return _updated(await queries.milestone_by_id(session, current["id"], urls.origin))


@router.post(
    "/{milestone_id}/remove-badge", response_model=MilestoneChanged, response_class=JSONResponse
)
@reads(queries.ONE_MILESTONE)
async def remove_milestone_badge(
    milestone_id: MilestoneId,
    started: StartedDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: MilestoneBadgeInput = Body(MilestoneBadgeInput),
) -> Response:
    """Remove a support badge from the milestone (any other badge changes nothing)."""
    current = orjson.loads(queries.found_milestone(started.row, milestone_id))
    await milestone_service.remove_badge(session, current["id"], data.badge_id)
    return _updated(await queries.milestone_by_id(session, current["id"], urls.origin))
