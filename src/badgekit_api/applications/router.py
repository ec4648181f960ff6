"""`.../applications` of a container and `.../badges/{badge}/applications`, at every level.

Every answer is the application as `queries.py` writes it: reads find it in the request's
start statement, writes read it back after changing its rows.
"""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from badgekit_api.applications import queries
from badgekit_api.applications import service as application_service
from badgekit_api.applications.dependencies import ApplicationSlug, EvidenceLimitsDep
from badgekit_api.applications.filters import ApplicationFiltersDep
from badgekit_api.applications.schemas import (
    ApplicationChanged,
    ApplicationCreate,
    ApplicationEnvelope,
    ApplicationList,
    ApplicationUpdate,
)
from badgekit_api.badges.dependencies import ActingBadgeDep, BadgeSlug
from badgekit_api.badges.queries import BADGE_IN_URL
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, object_response, page_response
from badgekit_api.http.pagination import PageDep
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.scopes.start import StartedDep, reads

router = APIRouter(tags=["applications"])

ONE_BADGE = "/badges/{badge_slug}/applications"
ONE_APPLICATION = f"{ONE_BADGE}/{{application_slug}}"


@router.get("/applications", response_model=ApplicationList, response_class=JSONResponse)
@reads(queries.SCOPE_APPLICATIONS)
async def list_applications(
    started: StartedDep, page: PageDep, _filters: ApplicationFiltersDep
) -> Response:
    """Applications for the badges of this container and of the containers below it,
    oldest first."""
    return page_response("applications", started.row, page)


@router.get(ONE_BADGE, response_model=ApplicationList, response_class=JSONResponse)
@reads(queries.BADGE_APPLICATIONS)
async def list_badge_applications(
    badge_slug: BadgeSlug, started: StartedDep, page: PageDep, _filters: ApplicationFiltersDep
) -> Response:
    """The badge's applications, oldest first."""
    queries.found_badge(started.row, badge_slug)
    return page_response("applications", started.row, page)


@router.post(
    ONE_BADGE, response_model=ApplicationChanged, status_code=201, response_class=JSONResponse
)
@reads(BADGE_IN_URL)
async def create_application(
    badge: ActingBadgeDep,
    session: SessionDep,
    limits: EvidenceLimitsDep,
    urls: PublicUrlsDep,
    data: ApplicationCreate = Body(ApplicationCreate),
) -> Response:
    """Submit a learner's application for the badge, with its evidence."""
    application_id, slug = await application_service.create(session, badge, data, limits)
    shown = await queries.application_by_id(session, application_id, urls.origin)
    return object_response(
        {"status": "created", "application": JsonText(shown)},
        status_code=201,
        headers={"Location": f"{badge.path()}/applications/{slug}"},
    )


@router.get(ONE_APPLICATION, response_model=ApplicationEnvelope, response_class=JSONResponse)
@reads(queries.ONE_APPLICATION)
async def get_application(
    badge_slug: BadgeSlug, application_slug: ApplicationSlug, started: StartedDep
) -> Response:
    """One of the badge's applications."""
    shown = queries.found_application(started.row, badge_slug, application_slug)
    return object_response({"application": JsonText(shown)})


@router.put(ONE_APPLICATION, response_model=ApplicationChanged, response_class=JSONResponse)
@reads(queries.ONE_APPLICATION)
async def update_application(
    badge_slug: BadgeSlug,
    application_slug: ApplicationSlug,
    started: StartedDep,
    session: SessionDep,
    limits: EvidenceLimitsDep,
    urls: PublicUrlsDep,
    data: ApplicationUpdate = Body(ApplicationUpdate),
) -> Response:
    """Update the given fields (e.g. set `processed`); absent fields are kept."""
    current = queries.found_application(started.row, badge_slug, application_slug)
    application_id = orjson.loads(current)["id"]
    await application_service.update_application(session, application_id, data, limits)
    shown = await queries.application_by_id(session, application_id, urls.origin)
    return object_response({"status": "updated", "application": JsonText(shown)})


@router.delete(ONE_APPLICATION, response_model=ApplicationChanged, response_class=JSONResponse)
@reads(queries.ONE_APPLICATION)
async def delete_application(
    badge_slug: BadgeSlug,
    application_slug: ApplicationSlug,
    started: StartedDep,
    session: SessionDep,
) -> Response:
    """Delete the application with its evidence and reviews."""
    shown = queries.found_application(started.row, badge_slug, application_slug)
    await application_service.delete_application(session, orjson.loads(shown)["id"])
    return object_response({"status": "deleted", "application": JsonText(shown)})
