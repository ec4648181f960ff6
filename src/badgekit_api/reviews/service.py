"""Review queries and writes. The caller owns the transaction: these only flush.

Every review written (created or updated) queues a `review` webhook event in the same
transaction, with the application, the review and whether it approves the application.
Approval never awards the badge: the issuer's site does that when it hears the event.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from badgekit_api.badges.serializers import badge_lists
from badgekit_api.errors import NotFound, ValidationFailed
from badgekit_api.http.urls import PublicUrls
from badgekit_api.models import Application, Review
from badgekit_api.reviews.items import review_items
from badgekit_api.reviews.notify import notify_review
from badgekit_api.reviews.schemas import ReviewCreate, ReviewUpdate

REVIEW_LOAD_OPTIONS = (selectinload(Review.items),)


def new_slug() -> str:
    return secrets.token_hex(16)


def list_statement(application: Application) -> Select[Review]:
    """The application's reviews, oldest first."""
    return (
        select(Review)
        .options(*REVIEW_LOAD_OPTIONS)
        .where(Review.application_id == application.id)
        .order_by(Review.id)
    )


async def get(session: AsyncSession, application: Application, slug: str) -> Review:
    """The application's review with this slug, with its items; 404 otherwise."""
    review = await session.scalar(
        list_statement(application).where(Review.slug == slug),
        execution_options={"populate_existing": True},
    )
    if review is None:
        raise NotFound.for_field("review", "slug", slug)
    return review


async def _reload(session: AsyncSession, review: Review) -> Review:
    reloaded = await session.scalar(
        select(Review).options(*REVIEW_LOAD_OPTIONS).where(Review.id == review.id),
        execution_options={"populate_existing": True},
    )
    assert reloaded is not None
    return reloaded


async def create(
    session: AsyncSession, application: Application, data: ReviewCreate, urls: PublicUrls
) -> Review:
    """A new review of a fully loaded application, announced to the system's webhooks."""
    review = Review(
        slug=new_slug(),
        application_id=application.id,
        author=data.author,
        comment=data.comment,
    )
    review.items = review_items(badge_lists(application.badge).criteria, data.review_items)
    session.add(review)
    await session.flush()
    review = await _reload(session, review)
    await notify_review(session, application, review, urls)
    return review


async def update(
    session: AsyncSession,
    application: Application,
    review: Review,
    data: ReviewUpdate,
    urls: PublicUrls,
) -> Review:
    """Apply the fields present in `data`; the changed review is announced again."""
    given = data.model_fields_set
    if "author" in given:
        if data.author is None:
            raise ValidationFailed.field("author", None, "A review needs an author")
        review.author = data.author
    if "comment" in given:
        review.comment = data.comment
    if data.review_items is not None:
        review.items = review_items(badge_lists(application.badge).criteria, data.review_items)
    await session.flush()
    review = await _reload(session, review)
    await notify_review(session, application, review, urls)
    return review


async def delete(session: AsyncSession, review: Review) -> None:
    """Delete the review with its items."""
    await session.delete(review)
    await session.flush()
