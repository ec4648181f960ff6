"""`.../badges/{badge}/codes`: a badge's claim codes, at every container level.

Every answer shows the codes and their badge as `queries.py` reads them: the reads in the
request's start statement, the writes from their own statement's `RETURNING`.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Response

from badgekit_api.badges.dependencies import ActingBadgeDep, BadgeSlug
from badgekit_api.badges.queries import BADGE_IN_URL, ActingBadge
from badgekit_api.claim_codes import queries
from badgekit_api.claim_codes import service as claim_code_service
from badgekit_api.claim_codes.guard import limit_failed_claims
from badgekit_api.claim_codes.schemas import (
    ClaimCodeChanged,
    ClaimCodeCreate,
    ClaimCodeEnvelope,
    ClaimCodeList,
    ClaimInput,
    RandomClaimCodeCreate,
)
from badgekit_api.db.database import SessionDep
from badgekit_api.errors import NotFound
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, JsonTextResponse, listing_members, object_response
from badgekit_api.http.pagination import PageDep
from badgekit_api.scopes.start import StartedDep, reads

router = APIRouter(prefix="/badges/{badge_slug}/codes", tags=["claim codes"])

CodePath = Path(description="The claim code")


def _changed(
    status: Literal["created", "updated", "deleted"],
    claim_code: str,
    badge: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return object_response(
        {"status": status, "claimCode": JsonText(claim_code), "badge": JsonText(badge)},
        status_code=status_code,
        headers=headers,
    )


def _created(badge: ActingBadge, code: str, shown: str) -> Response:
    location = f"{badge.path()}/codes/{quote(code, safe='')}"
    return _changed("created", shown, badge.document, 201, {"Location": location})


def _found_code(started: Any, badge_slug: str, code: str, message: str | None = None) -> Any:
    """The start row of a route that `@reads(queries.ONE_CODE)`; 404 without its badge
    or code."""
    row = started.row
    assert row is not None
    if row.badge is None:
        raise NotFound.for_field("badge", "slug", badge_slug)
    if row.claimCode is None:
        raise NotFound(message) if message else NotFound.for_field("claimCode", "code", code)
    return row


@router.get("", response_model=ClaimCodeList, response_class=JsonTextResponse)
@reads(queries.BADGE_CODES)
async def list_claim_codes(started: StartedDep, badge_slug: BadgeSlug, page: PageDep) -> Response:
    """The badge's claim codes, oldest first."""
    row = started.row
    assert row is not None
    if row.badge is None:
        raise NotFound.for_field("badge", "slug", badge_slug)
    return object_response(listing_members(row, "claimCodes", page, badge=JsonText(row.badge)))


@router.post("", response_model=ClaimCodeChanged, status_code=201, response_class=JsonTextResponse)
@reads(BADGE_IN_URL)
async def create_claim_code(
    badge: ActingBadgeDep, session: SessionDep, data: ClaimCodeCreate = Body(ClaimCodeCreate)
) -> Response:
    """Add a given code to the badge (codes are unique within a system)."""
    shown = await claim_code_service.create(
        session,
        badge,
        data.code,
        claimed=bool(data.claimed),
        multiuse=bool(data.multiuse),
        email=data.email,
    )
    return _created(badge, data.code, shown)


@router.post(
    "/random", response_model=ClaimCodeChanged, status_code=201, response_class=JsonTextResponse
)
@reads(BADGE_IN_URL)
async def create_random_claim_code(
    badge: ActingBadgeDep,
    session: SessionDep,
    data: RandomClaimCodeCreate = Body(RandomClaimCodeCreate),
) -> Response:
    """Add a code made up by the server, like `k7mq-3xzp-9dwa`."""
    code, shown = await claim_code_service.create_random(
        session,
        badge,
        claimed=bool(data.claimed),
        multiuse=bool(data.multiuse),
        email=data.email,
    )
    return _created(badge, code, shown)


@router.get("/{code}", response_model=ClaimCodeEnvelope, response_class=JsonTextResponse)
@reads(queries.ONE_CODE)
async def get_claim_code(
    started: StartedDep, badge_slug: BadgeSlug, code: str = CodePath
) -> Response:
    """One of the badge's codes."""
    row = _found_code(started, badge_slug, code, f"Could not find the request claim code: {code}")
    return object_response({"badge": JsonText(row.badge), "claimCode": JsonText(row.claimCode)})


@router.delete("/{code}", response_model=ClaimCodeChanged, response_class=JsonTextResponse)
@reads(queries.ONE_CODE)
async def delete_claim_code(
    started: StartedDep, badge_slug: BadgeSlug, session: SessionDep, code: str = CodePath
) -> Response:
    """Delete one of the badge's codes."""
    row = _found_code(started, badge_slug, code)
    await claim_code_service.delete_code(session, row.code_id)
    return _changed("deleted", row.claimCode, row.badge)


@router.post(
    "/{code}/claim",
    response_model=ClaimCodeChanged,
    response_class=JsonTextResponse,
    dependencies=[Depends(limit_failed_claims, scope="function")],
)
@reads(BADGE_IN_URL)
async def claim_code(
    badge: ActingBadgeDep,
    session: SessionDep,
    code: str = CodePath,
    data: ClaimInput = Body(ClaimInput),
) -> Response:
    """Claim a code for `email`. A single-use code can be claimed once (400 after that)."""
    claimed = await claim_code_service.claim(session, badge, code, data.email, alone=True)
    return _changed("updated", claimed, badge.document)
