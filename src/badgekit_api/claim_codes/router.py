"""`.../badges/{badge}/codes`: a badge's claim codes, at every container level."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Response

from badgekit_api.badges.dependencies import ActingBadgeDep, BadgeDep
from badgekit_api.badges.links import badge_path
from badgekit_api.badges.queries import BADGE_IN_URL
from badgekit_api.badges.serializers import badge_read
from badgekit_api.claim_codes import service as claim_code_service
from badgekit_api.claim_codes.guard import limit_failed_claims
from badgekit_api.claim_codes.schemas import (
    ClaimCodeChanged,
    ClaimCodeCreate,
    ClaimCodeEnvelope,
    ClaimCodeList,
    ClaimCodeRead,
    ClaimInput,
    RandomClaimCodeCreate,
)
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, object_response
from badgekit_api.http.pagination import PageDep, fetch_page
from badgekit_api.http.urls import PublicUrls, PublicUrlsDep
from badgekit_api.models import Badge, ClaimCode
from badgekit_api.scopes.start import reads

router = APIRouter(prefix="/badges/{badge_slug}/codes", tags=["claim codes"])

CodePath = Path(description="The claim code")


def _code_read(claim_code: ClaimCode) -> ClaimCodeRead:
    return ClaimCodeRead.model_validate(claim_code, from_attributes=True)


def _changed(
    status: Literal["created", "updated", "deleted"],
    claim_code: ClaimCode,
    badge: Badge,
    urls: PublicUrls,
) -> ClaimCodeChanged:
    return ClaimCodeChanged(
        status=status, claim_code=_code_read(claim_code), badge=badge_read(badge, urls)
    )


def _created(
    response: Response, claim_code: ClaimCode, badge: Badge, urls: PublicUrls
) -> ClaimCodeChanged:
    response.headers["Location"] = f"{badge_path(badge)}/codes/{quote(claim_code.code, safe='')}"
    return _changed("created", claim_code, badge, urls)


@router.get("", response_model=ClaimCodeList, response_model_exclude_unset=True)
async def list_claim_codes(
    badge: BadgeDep, session: SessionDep, page: PageDep, urls: PublicUrlsDep
) -> ClaimCodeList:
    """The badge's claim codes, oldest first."""
    codes, page_data = await fetch_page(session, claim_code_service.list_statement(badge), page)
    listing = ClaimCodeList(
        claim_codes=[_code_read(code) for code in codes],
        badge=badge_read(badge, urls),
    )
    if page_data is not None:
        listing.page_data = page_data
    return listing


@router.post("", response_model=ClaimCodeChanged, status_code=201)
async def create_claim_code(
    badge: BadgeDep,
    response: Response,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: ClaimCodeCreate = Body(ClaimCodeCreate),
) -> ClaimCodeChanged:
    """Add a given code to the badge (codes are unique within a system)."""
    claim_code = await claim_code_service.create(
        session,
        badge,
        data.code,
        claimed=bool(data.claimed),
        multiuse=bool(data.multiuse),
        email=data.email,
    )
    return _created(response, claim_code, badge, urls)


@router.post("/random", response_model=ClaimCodeChanged, status_code=201)
async def create_random_claim_code(
    badge: BadgeDep,
    response: Response,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: RandomClaimCodeCreate = Body(RandomClaimCodeCreate),
) -> ClaimCodeChanged:
    """Add a code made up by the server, like `k7mq-3xzp-9dwa`."""
    claim_code = await claim_code_service.create_random(
        session,
        badge,
        claimed=bool(data.claimed),
        multiuse=bool(data.multiuse),
        email=data.email,
    )
    return _created(response, claim_code, badge, urls)


@router.get("/{code}", response_model=ClaimCodeEnvelope)
async def get_claim_code(
    badge: BadgeDep, session: SessionDep, urls: PublicUrlsDep, code: str = CodePath
) -> ClaimCodeEnvelope:
    """One of the badge's codes."""
    claim_code = await claim_code_service.get(session, badge, code)
    return ClaimCodeEnvelope(
        badge=badge_read(badge, urls),
        claim_code=_code_read(claim_code),
    )


@router.delete("/{code}", response_model=ClaimCodeChanged)
async def delete_claim_code(
    badge: BadgeDep, session: SessionDep, urls: PublicUrlsDep, code: str = CodePath
) -> ClaimCodeChanged:
    """Delete one of the badge's codes."""
    claim_code = await claim_code_service.delete(session, badge, code)
    return _changed("deleted", claim_code, badge, urls)


@router.post(
    "/{code}/claim",
    response_model=ClaimCodeChanged,
    response_class=Response,
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
    claimed = await claim_code_service.claim(session, badge, code, data.email)
    return object_response(
        {
            "status": "updated",
            "claimCode": _code_read(claimed).model_dump(mode="json", by_alias=True),
            "badge": JsonText(badge.document),
        }
    )
