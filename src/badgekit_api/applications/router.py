"""`.../applications` of a container and `.../badges/{badge}/applications`, at every level."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from sqlalchemy import Select

from badgekit_api.applications import queries as application_queries
from badgekit_api.applications import service as application_service
from badgekit_api.applications.dependencies import ApplicationDep, EvidenceLimitsDep
from badgekit_api.applications.filters import ApplicationFiltersDep
from badgekit_api.applications.schemas import (
    ApplicationChanged,
    ApplicationCreate,
    ApplicationEnvelope,
    ApplicationList,
    ApplicationUpdate,
)
from badgekit_api.applications.serializers import application_read
from badgekit_api.badges.dependencies import ActingBadgeDep, BadgeDep
from badgekit_api.badges.queries import BADGE_IN_URL
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, object_response
from badgekit_api.http.pagination import Page, PageDep, fetch_page
from badgekit_api.http.urls import PublicUrls, PublicUrlsDep
from badgekit_api.models import Application
from badgekit_api.scopes import CurrentScope
from badgekit_api.scopes.start import reads

router = APIRouter(tags=["applications"])

ONE_BADGE = "/badges/{badge_slug}/applications"
ONE_APPLICATION = f"{ONE_BADGE}/{{application_slug}}"


async def _listing(
    session: SessionDep, statement: Select[Any], page: Page | None, urls: PublicUrls
) -> ApplicationList:
    applications, page_data = await fetch_page(session, statement, page)
    listing = ApplicationList(
        applications=[application_read(application, urls) for application in applications]
    )
    if page_data is not None:
        listing.page_data = page_data
    return listing


def _changed(
    status: Literal["created", "updated", "deleted"], application: Application, urls: PublicUrls
) -> ApplicationChanged:
    return ApplicationChanged(status=status, application=application_read(application, urls))


@router.get("/applications", response_model=ApplicationList, response_model_exclude_unset=True)
async def list_applications(
    scope: CurrentScope,
    session: SessionDep,
    page: PageDep,
    filters: ApplicationFiltersDep,
    urls: PublicUrlsDep,
) -> ApplicationList:
    """Applications for the badges of this container and of the containers below it,
    oldest first."""
    statement = application_service.scope_statement(scope, filters)
    return await _listing(session, statement, page, urls)


@router.get(ONE_BADGE, response_model=ApplicationList, response_model_exclude_unset=True)
async def list_badge_applications(
    badge: BadgeDep,
    session: SessionDep,
    page: PageDep,
    filters: ApplicationFiltersDep,
    urls: PublicUrlsDep,
) -> ApplicationList:
    """The badge's applications, oldest first."""
    statement = application_service.badge_statement(badge, filters)
    return await _listing(session, statement, page, urls)


@router.post(ONE_BADGE, response_model=ApplicationChanged, status_code=201, response_class=Response)
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
    shown = await application_queries.application_by_id(session, application_id, urls.origin)
    return object_response(
        {"status": "created", "application": JsonText(shown)},
        status_code=201,
        headers={"Location": f"{badge.path()}/applications/{slug}"},
    )


@router.get(ONE_APPLICATION, response_model=ApplicationEnvelope)
async def get_application(application: ApplicationDep, urls: PublicUrlsDep) -> ApplicationEnvelope:
    """One of the badge's applications."""
    return ApplicationEnvelope(application=application_read(application, urls))


@router.put(ONE_APPLICATION, response_model=ApplicationChanged)
async def update_application(
    application: ApplicationDep,
    session: SessionDep,
    limits: EvidenceLimitsDep,
    urls: PublicUrlsDep,
    data: ApplicationUpdate = Body(ApplicationUpdate),
) -> ApplicationChanged:
    """Update the given fields (e.g. set `processed`); absent fields are kept."""
    application = await application_service.update(session, application, data, limits)
    return _changed("updated", application, urls)


@router.delete(ONE_APPLICATION, response_model=ApplicationChanged)
async def delete_application(
    application: ApplicationDep, session: SessionDep, urls: PublicUrlsDep
) -> ApplicationChanged:
    """Delete the application with its evidence and reviews."""
    shown = _changed("deleted", application, urls)
    await application_service.delete(session, application)
    return shown
