"""Review request and response shapes (camelCase on the wire)."""

from __future__ import annotations

from typing import Annotated, Literal

from badgekit_api.applications.inputs import Flag, list_of
from badgekit_api.badges.schemas import OptionalText, WireModel
from badgekit_api.fields import EarnerEmail as Email
from badgekit_api.fields import OptionalEarnerEmail as OptionalEmail
from badgekit_api.fields import RowId
from badgekit_api.http.pagination import PageData


class ReviewItemInput(WireModel):
    """The reviewer's verdict on one criterion of the application's badge."""

    criterion_id: RowId
    satisfied: Flag = False
    comment: OptionalText = None


ReviewItems = Annotated[list[ReviewItemInput], list_of("review items")]
ReviewItemsChange = Annotated[list[ReviewItemInput] | None, list_of("review items")]


class ReviewCreate(WireModel):
    author: Email
    comment: OptionalText = None
    review_items: ReviewItems = []


class ReviewUpdate(WireModel):
    """Any subset of the fields; what is absent is left unchanged (`reviewItems` too)."""

    author: OptionalEmail = None
    comment: OptionalText = None
    review_items: ReviewItemsChange = None


class ReviewItemRead(WireModel):
    criterion_id: int
    # 1 or 0, as the reference shows it (the original's MySQL flag).
    satisfied: int
    comment: str | None


class ReviewRead(WireModel):
    id: int
    slug: str
    author: str
    comment: str | None
    review_items: list[ReviewItemRead]


class ReviewEnvelope(WireModel):
    review: ReviewRead


class ReviewChanged(WireModel):
    status: Literal["created", "updated"]
    review: ReviewRead


class ReviewDeleted(WireModel):
    """The reference (and the original) answer a deleted review under `badge`; clients read
    it there, so it stays, with the same object under `review` beside it."""

    status: Literal["deleted"]
    badge: ReviewRead
    review: ReviewRead


class ReviewList(WireModel):
    reviews: list[ReviewRead]
    page_data: PageData | None = None
