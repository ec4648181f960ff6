"""What `GET /systems/:s/earners/:email` answers, and what its DELETE reports."""

from __future__ import annotations

from typing import Literal

from badgekit_api.applications.schemas import ApplicationRead
from badgekit_api.badges.schemas import WireModel
from badgekit_api.instances.schemas import InstanceRead
from badgekit_api.reviews.schemas import ReviewRead
from badgekit_api.timestamps import Timestamp


class EarnerAward(InstanceRead):
    """An award as the instance endpoints show it, and whether (why, when) it was revoked:
    an earner's data includes the awards taken back."""

    revoked: bool
    revoked_at: Timestamp | None
    revocation_reason: str | None


class EarnerApplication(ApplicationRead):
    """An application with the reviews of it."""

    reviews: list[ReviewRead]


class EarnerClaim(WireModel):
    """A claim code the earner claimed (a multi-use code keeps no email)."""

    code: str
    badge: str
    claimed: bool
    multiuse: bool


class EarnerData(WireModel):
    email: str
    instances: list[EarnerAward]
    applications: list[EarnerApplication]
    claim_codes: list[EarnerClaim]


class EarnerEnvelope(WireModel):
    earner: EarnerData


class ErasedCounts(WireModel):
    """How many records held the email: awards made tombstones, applications deleted (with
    their evidence and reviews), claim codes and reviewer fields cleared, webhook events
    dropped."""

    instances: int
    applications: int
    claim_codes: int
    assignments: int
    reviews: int
    webhook_events: int


class EarnerErased(WireModel):
    status: Literal["deleted"]
    email: str
    erased: ErasedCounts
