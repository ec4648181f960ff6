"""Milestone request and response shapes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from badgekit_api.badges.schemas import BadgeRead, WireModel
from badgekit_api.fields import MAX_STORED_INT, BlankIsNone, RowId
from badgekit_api.http.pagination import PageData

Action = Literal["issue", "queue-application"]


def _badge_id(value: Any) -> Any:
    """A badge id as a number, a string of digits, or a badge object as we send it."""
    if isinstance(value, dict) and "id" in value:
        value = value["id"]
    if isinstance(value, bool):
        raise ValueError("Must be the id of a badge")
    return value


def _listed(value: Any) -> Any:
    # A form sends one id as a plain value, and an empty list as nothing or "".
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, int | dict):
        return [value]
    return value


def _distinct(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


BadgeId = Annotated[RowId, BeforeValidator(_badge_id)]
BadgeIds = Annotated[
    list[BadgeId], BeforeValidator(_listed), AfterValidator(_distinct), Field(max_length=500)
]
NumberRequired = Annotated[int, Field(ge=1, le=MAX_STORED_INT)]


class MilestoneCreate(WireModel):
    primary_badge_id: BadgeId
    number_required: NumberRequired
    action: Annotated[Action | None, BlankIsNone] = None
    support_badges: BadgeIds


class MilestoneUpdate(WireModel):
    """Any subset of the fields: what is absent is left unchanged."""

    primary_badge_id: BadgeId | None = None
    number_required: NumberRequired | None = None
    action: Annotated[Action | None, BlankIsNone] = None
    support_badges: BadgeIds | None = None


class MilestoneBadgeInput(WireModel):
    badge_id: BadgeId


class MilestoneRead(WireModel):
    id: int
    action: str
    number_required: int
    primary_badge: BadgeRead
    support_badges: list[BadgeRead]


class MilestoneEnvelope(WireModel):
    milestone: MilestoneRead


class MilestoneChanged(WireModel):
    status: Literal["created", "updated", "deleted"]
    milestone: MilestoneRead


class MilestoneList(WireModel):
    milestones: list[MilestoneRead]
    page_data: PageData | None = None
