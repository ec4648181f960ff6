"""A container's public documents, written once and mounted (by `api.py`) under
`/public/systems/{s}`, `.../issuers/{i}` and `.../programs/{p}`: its issuer profile, its
revocation list, and the badge classes of its badges."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request, Response

from badgekit_api.badges.dependencies import BadgeSlug
from badgekit_api.badges.queries import ONE_BADGE
from badgekit_api.db.database import SessionDep
from badgekit_api.errors import NotFound
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.openbadges import service
from badgekit_api.openbadges.badge_classes import badge_class_v1, badge_class_v2
from badgekit_api.openbadges.negotiation import Version, choose, parse_accept, v2_media_type
from badgekit_api.openbadges.profiles import profile_v1, profile_v2, revocation_list
from badgekit_api.openbadges.responses import document_response
from badgekit_api.scopes import PublicScope
from badgekit_api.scopes.start import PublicStartedDep, reads

router = APIRouter(tags=["open badges"])

VersionQuery = Annotated[
    str | None,
    Query(alias="v", description="`1` or `2`: that Open Badges version, whatever `Accept` says"),
]
RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/json": {}, "application/ld+json": {}}},
    400: {"description": "`v` is neither 1 nor 2"},
    404: {"description": "No such container or badge"},
}


@router.get("", response_class=Response, responses=RESPONSES)
async def get_issuer_profile(
    scope: PublicScope, request: Request, urls: PublicUrlsDep, version: VersionQuery = None
) -> Response:
    """The issuer profile of this container: Open Badges 1.0 organization by default, the
    2.0 Issuer with `?v=2` or `Accept: application/ld+json`."""
    choice = choose(request.headers.get("accept"), version)
    if choice.version is Version.OB2:
        return document_response(profile_v2(scope, urls), choice.media_type, request=request)
    return document_response(profile_v1(scope), choice.media_type, request=request)


@router.get("/revocations", response_class=Response, responses=RESPONSES)
async def get_revocation_list(
    scope: PublicScope, request: Request, session: SessionDep, urls: PublicUrlsDep
) -> Response:
    """The Open Badges 2.0 revocation list of the badges this container issues."""
    revoked = await service.revoked_instances(session, scope)
    accept = request.headers.get("accept")
    media_type = v2_media_type(parse_accept(accept) if accept else None)
    return document_response(revocation_list(scope, revoked, urls), media_type)


@router.get("/badges/{badge_slug}", response_class=Response, responses=RESPONSES)
@reads(ONE_BADGE)
async def get_badge_class(
    badge_slug: BadgeSlug,
    started: PublicStartedDep,
    request: Request,
    urls: PublicUrlsDep,
    version: VersionQuery = None,
) -> Response:
    """The badge class of a badge in this container or below it."""
    choice = choose(request.headers.get("accept"), version)
    assert started.row is not None
    if started.row.badge is None:
        raise NotFound.for_field("badge", "slug", badge_slug)
    badge = orjson.loads(started.row.badge)
    if choice.version is Version.OB2:
        return document_response(badge_class_v2(badge, urls), choice.media_type, request=request)
    return document_response(badge_class_v1(badge, urls), choice.media_type, request=request)
