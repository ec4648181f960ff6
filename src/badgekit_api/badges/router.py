"""`.../badges`: list, create, get, update, delete, at every container level."""

from __future__ import annotations

from fastapi import APIRouter, Response

from badgekit_api.badges import queries
from badgekit_api.badges import service as badge_service
from badgekit_api.badges.dependencies import (
    ActingBadgeDep,
    ArchivedFilter,
    BadgeSlug,
)
from badgekit_api.badges.links import badge_path_of
from badgekit_api.badges.schemas import (
    BadgeChanged,
    BadgeCreate,
    BadgeEnvelope,
    BadgeList,
    BadgeUpdate,
)
from badgekit_api.db.database import SessionDep
from badgekit_api.errors import NotFound
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, JsonTextResponse, listing_members, object_response
from badgekit_api.http.pagination import PageDep
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.scopes import CurrentScope
from badgekit_api.scopes.start import StartedDep, reads
from badgekit_api.settings_dep import SettingsDep

router = APIRouter(prefix="/badges", tags=["badges"])


@router.get("", response_model=BadgeList, response_class=JsonTextResponse)
@reads(queries.BADGE_PAGE)
async def list_badges(started: StartedDep, page: PageDep, _archived: ArchivedFilter) -> Response:
    """The badges of this container and of the containers below it, in creation order."""
    assert started.row is not None
    return object_response(listing_members(started.row, "badges", page))


async def _changed(
    session: SessionDep,
    status: str,
    badge_id: int,
    origin: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A write's answer: the badge as the read path shows it now."""
    shown = await queries.badges_by_id(session, [badge_id], origin)
    members = {"status": status, "badge": JsonText(shown[badge_id])}
    return object_response(members, status_code=status_code, headers=headers)


@router.post("", response_model=BadgeChanged, status_code=201, response_class=JsonTextResponse)
async def create_badge(
    scope: CurrentScope,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: BadgeCreate = Body(BadgeCreate),
) -> Response:
    """Create a badge in this container."""
    badge_id, slug = await badge_service.create(
        session, scope, data, max_image_bytes=settings.max_image_bytes
    )
    issuer, program = scope.issuer, scope.program
    path = badge_path_of(
        scope.system.slug,
        issuer.slug if issuer else None,
        program.slug if program else None,
        slug,
    )
    headers = {"Location": path}
    return await _changed(session, "created", badge_id, urls.origin, 201, headers)


@router.get("/{badge_slug}", response_model=BadgeEnvelope, response_class=JsonTextResponse)
@reads(queries.ONE_BADGE)
async def get_badge(started: StartedDep, badge_slug: BadgeSlug) -> Response:
    """One badge by its slug."""
    assert started.row is not None
    if started.row.badge is None:
        raise NotFound.for_field("badge", "slug", badge_slug)
    return object_response({"badge": JsonText(started.row.badge)})


@router.put("/{badge_slug}", response_model=BadgeChanged, response_class=JsonTextResponse)
@reads(queries.EDITED_BADGE)
async def update_badge(
    started: StartedDep,
    badge_slug: BadgeSlug,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: BadgeUpdate = Body(BadgeUpdate),
) -> Response:
    """Update the given fields of a badge; absent fields (lists included) are kept."""
    edited = queries.edited_badge_of(started.row, badge_slug)
    badge_id = await badge_service.update(
        session, edited, data, max_image_bytes=settings.max_image_bytes
    )
    return await _changed(session, "updated", badge_id, urls.origin)


@router.delete("/{badge_slug}", response_model=BadgeChanged, response_class=JsonTextResponse)
@reads(queries.BADGE_IN_URL)
async def delete_badge(badge: ActingBadgeDep, session: SessionDep) -> Response:
    """Delete a badge, with its claim codes."""
    await badge_service.delete(session, badge.id)
    return object_response({"status": "deleted", "badge": JsonText(badge.document)})
