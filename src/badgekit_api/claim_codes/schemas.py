"""Claim code request and response shapes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from badgekit_api.badges.schemas import BadgeRead, Flag, WireModel
from badgekit_api.fields import OptionalEmail
from badgekit_api.http.pagination import PageData
from badgekit_api.models.claim_codes import MAX_CODE_LENGTH

# A code travels as one URL path segment, so it cannot hold `/`.
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_CODE_LENGTH, pattern=r"^[^/\x00-\x1f]+$"
    ),
]


class RandomClaimCodeCreate(WireModel):
    """Options for a code the server makes up."""

    claimed: Flag = False
    multiuse: Flag = False
    email: OptionalEmail = None


class ClaimCodeCreate(RandomClaimCodeCreate):
    code: Code


class ClaimInput(WireModel):
    email: OptionalEmail = None


class ClaimCodeRead(WireModel):
    id: int
    code: str
    claimed: bool
    email: str | None
    multiuse: bool


class ClaimCodeList(WireModel):
    claim_codes: list[ClaimCodeRead]
    badge: BadgeRead
    page_data: PageData | None = None


class ClaimCodeEnvelope(WireModel):
    badge: BadgeRead
    claim_code: ClaimCodeRead


class ClaimCodeChanged(WireModel):
    status: Literal["created", "updated", "deleted"]
    claim_code: ClaimCodeRead
    badge: BadgeRead


class ClaimedBadgeRead(BadgeRead):
    """The badge behind a code, with whether that code is used up (claimed and single-use)."""

    claimed: bool


class ClaimedBadgeEnvelope(WireModel):
    badge: ClaimedBadgeRead
