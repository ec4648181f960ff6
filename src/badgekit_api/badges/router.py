"""`.../badges`: list, create, get, update, delete, at every container level."""

from __future__ import annotations

from fastapi import APIRouter, Response

from badgekit_api.badges import queries
from badgekit_api.badges import service as badge_service
from badgekit_api.badges.dependencies import (
    ArchivedFilter,
    BadgeDep,
    BadgeSlug,
    EditableBadgeDep,
)
from badgekit_api.badges.links import badge_path
from badgekit_api.badges.schemas import (
    BadgeChanged,
    BadgeCreate,
    BadgeEnvelope,
    BadgeList,
    BadgeUpdate,
)
from badgekit_api.badges.serializers import badge_read
from badgekit_api.db.database import SessionDep
from badgekit_api.errors import NotFound
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, object_response
from badgekit_api.http.pagination import PageDep
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.scopes import CurrentScope
from badgekit_api.scopes.start import StartedDep, reads
from badgekit_api.settings_dep import SettingsDep

router = APIRouter(prefix="/badges", tags=["badges"])


@router.get("", response_model=BadgeList, response_class=Response)
@reads(queries.BADGE_PAGE)
async def list_badges(started: StartedDep, page: PageDep, _archived: ArchivedFilter) -> Response:
    """The badges of this container and of the containers below it, in creation order."""
    row = started.row
    assert row is not None
    members: dict[str, object] = {"badges": JsonText(row.badges)}
    if page is not None:
        members["pageData"] = {"page": page.page, "count": page.count, "total": row.total}
    return object_response(members)


@router.post("", response_model=BadgeChanged, status_code=201)
async def create_badge(
    scope: CurrentScope,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: BadgeCreate = Body(BadgeCreate),
) -> BadgeChanged:
    """Create a badge in this container."""
    badge = await badge_service.create(
        session, scope, data, max_image_bytes=settings.max_image_bytes
    )
    response.headers["Location"] = badge_path(badge)
    return BadgeChanged(status="created", badge=badge_read(badge, urls))


@router.get("/{badge_slug}", response_model=BadgeEnvelope, response_class=Response)
@reads(queries.ONE_BADGE)
async def get_badge(started: StartedDep, badge_slug: BadgeSlug) -> Response:
    """One badge by its slug."""
    assert started.row is not None
    if started.row.badge is None:
        raise NotFound.for_field("badge", "slug", badge_slug)
    return object_response({"badge": JsonText(started.row.badge)})


@router.put("/{badge_slug}", response_model=BadgeChanged)
async def update_badge(
    badge: EditableBadgeDep,
    session: SessionDep,
    settings: SettingsDep,
    urls: PublicUrlsDep,
    data: BadgeUpdate = Body(BadgeUpdate),
) -> BadgeChanged:
    """Update the given fields of a badge; absent fields (lists included) are kept."""
    badge = await badge_service.update(
        session, badge, data, max_image_bytes=settings.max_image_bytes
    )
    return BadgeChanged(status="updated", badge=badge_read(badge, urls))


@router.delete("/{badge_slug}", response_model=BadgeChanged)
async def delete_badge(badge: BadgeDep, session: SessionDep, urls: PublicUrlsDep) -> BadgeChanged:
    """Delete a badge, with its claim codes."""
    shown = badge_read(badge, urls)
    await badge_service.delete(session, badge)
    return BadgeChanged(status="deleted", badge=shown)
