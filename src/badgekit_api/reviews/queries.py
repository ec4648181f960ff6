"""A review as the wire shows it, written by the database: the one read path for reviews
(`ReviewRead`: its columns and its items in the order they were written; `satisfied` as 1
or 0, as the reference shows it).

The readings find the URL's badge and application (`badge_id`, `application_id`, NULL when
not there: a 404) and the route's reviews, in the request's start statement.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import ColumnElement, Integer, String, Table, bindparam, case, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.applications.queries import (
    APPLICATIONS,
    application_document,
    found_badge,
    named_application_id,
    named_badge_id,
)
from badgekit_api.db.json_sql import as_text, json_array_agg, json_object
from badgekit_api.db.listing import PagedReading, listed_documents
from badgekit_api.errors import NotFound
from badgekit_api.models import Review, ReviewItem, Webhook
from badgekit_api.scopes.containers import container_id
from badgekit_api.scopes.start import Reading

REVIEWS: Table = Review.__table__  # type: ignore[assignment]
ITEMS: Table = ReviewItem.__table__  # type: ignore[assignment]
_webhooks: Table = Webhook.__table__  # type: ignore[assignment]


def review_document(reviews: Any = REVIEWS) -> ColumnElement[Any]:
    """The wire object of the review row `reviews` (the table or an alias of it)."""
    r = reviews.c
    item = json_object(
        {
            "criterionId": ITEMS.c.criterion_id,
            "satisfied": case((ITEMS.c.satisfied.is_(True), 1), else_=0).cast(Integer),
            "comment": ITEMS.c.comment,
        }
    )
    return json_object(
        {
            "id": r.id,
            "slug": r.slug,
            "author": r.author,
            "comment": r.comment,
            "reviewItems": json_array_agg(
                select(item).where(ITEMS.c.review_id == r.id), order_by=ITEMS.c.id
            ),
        }
    )


def _named_review_id(depth: int) -> ColumnElement[Any]:
    found = select(REVIEWS.c.id).where(
        REVIEWS.c.application_id == named_application_id(depth),
        REVIEWS.c.slug == bindparam("review_slug"),
    )
    return found.scalar_subquery()


def _review_webhooks() -> ColumnElement[Any]:
    """The ids of the URL's system's active webhooks that hear of reviews, in order (the
    write that announces a review needs no statement to find them)."""
    w = _webhooks.c
    hears = (literal(",", String) + w.events + literal(",", String)).like("%,review,%")
    found = select(w.id).where(w.system_id == container_id(0), w.active.is_(True), hears)
    return json_array_agg(found, order_by=w.id).label("review_webhooks")


def webhook_ids(row: Any) -> list[int]:
    """The `review_webhooks` of a start row."""
    found = row.review_webhooks
    return list(orjson.loads(found) if isinstance(found, str | bytes) else found)


class ApplicationReviews(PagedReading):
    """The reviews of the URL's application, oldest first: `badge_id`, `application_id`,
    `reviews`, and `total` when paged."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        listed = [REVIEWS.c.application_id == named_application_id(depth)]
        return [
            named_badge_id(depth).label("badge_id"),
            named_application_id(depth).label("application_id"),
            *listed_documents(REVIEWS, listed, review_document, label="reviews", paged=variant[0]),
        ]


class ReviewTarget(Reading):
    """The URL's application, to review: `badge_id`, `application` (JSON text, NULL when
    there is none) and `review_webhooks`."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        application = select(application_document()).where(
            APPLICATIONS.c.id == named_application_id(depth)
        )
        return [
            named_badge_id(depth).label("badge_id"),
            as_text(application.scalar_subquery()).label("application"),
            _review_webhooks(),
        ]


class OneReview(Reading):
    """The review `{review_slug}` of the URL's application: `badge_id`, `application`
    (the application's JSON text: a new version of the review announces it), `review`,
    and `review_webhooks`."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        application = select(application_document()).where(
            APPLICATIONS.c.id == named_application_id(depth)
        )
        review = select(review_document()).where(REVIEWS.c.id == _named_review_id(depth))
        return [
            named_badge_id(depth).label("badge_id"),
            as_text(application.scalar_subquery()).label("application"),
            as_text(review.scalar_subquery()).label("review"),
            _review_webhooks(),
        ]


APPLICATION_REVIEWS = ApplicationReviews()
REVIEW_TARGET = ReviewTarget()
ONE_REVIEW = OneReview()


def found_application_id(row: Any, badge_slug: str, application_slug: str) -> None:
    """404 unless the start statement found the URL's badge and application."""
    found_badge(row, badge_slug)
    if row.application_id is None:
        raise NotFound.for_field("application", "slug", application_slug)


def found_review(row: Any, path: dict[str, str]) -> tuple[str, str]:
    """The JSON texts of the URL's application and review; a 404 naming the first of the
    badge, the application and the review that is not there."""
    found_badge(row, path["badge_slug"])
    if row.application is None:
        raise NotFound.for_field("application", "slug", path["application_slug"])
    if row.review is None:
        raise NotFound.for_field("review", "slug", path["review_slug"])
    return row.application, row.review


_BY_ID = select(as_text(review_document())).where(REVIEWS.c.id == bindparam("id"))


async def review_by_id(session: AsyncSession, review_id: int) -> str:
    """The JSON text of the review with this id (after a write)."""
    shown: str = (await session.execute(_BY_ID, {"id": review_id})).scalar_one()
    return shown
