"""`.../codes/{code}`: which badge of this container (or below) a claim code is for."""

from __future__ import annotations

from fastapi import APIRouter, Path

from badgekit_api.badges.serializers import badge_read
from badgekit_api.claim_codes import service as claim_code_service
from badgekit_api.claim_codes.schemas import ClaimedBadgeEnvelope, ClaimedBadgeRead
from badgekit_api.db.database import SessionDep
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.scopes import CurrentScope

router = APIRouter(prefix="/codes", tags=["claim codes"])


@router.get("/{code}", response_model=ClaimedBadgeEnvelope)
async def get_badge_of_code(
    scope: CurrentScope,
    session: SessionDep,
    urls: PublicUrlsDep,
    code: str = Path(description="The claim code"),
) -> ClaimedBadgeEnvelope:
    """The badge a code is for (the oldest, when several badges here have the code), with
    `claimed` telling whether the code is used up: a multi-use code never is."""
    badge, claim_code = await claim_code_service.find_badge(session, scope, code)
    used_up = claim_code.claimed and not claim_code.multiuse
    shown = {**badge_read(badge, urls).model_dump(), "claimed": used_up}
    return ClaimedBadgeEnvelope(badge=ClaimedBadgeRead.model_validate(shown))
