"""`.../codes/{code}`: which badge of this container (or below) a claim code is for."""

from __future__ import annotations

from fastapi import APIRouter, Path, Response

from badgekit_api.claim_codes import queries
from badgekit_api.claim_codes.schemas import ClaimedBadgeEnvelope
from badgekit_api.errors import NotFound
from badgekit_api.http.json_text import JsonText, JsonTextResponse, object_response
from badgekit_api.scopes.start import StartedDep, reads

router = APIRouter(prefix="/codes", tags=["claim codes"])


@router.get("/{code}", response_model=ClaimedBadgeEnvelope, response_class=JsonTextResponse)
@reads(queries.CODE_LOOKUP)
async def get_badge_of_code(
    started: StartedDep, code: str = Path(description="The claim code")
) -> Response:
    """The badge a code is for (the oldest, when several badges here have the code), with
    `claimed` telling whether the code is used up: a multi-use code never is."""
    assert started.row is not None
    if started.row.badge is None:
        raise NotFound(f"Could not find the request claim code: {code}")
    return object_response({"badge": JsonText(started.row.badge)})
