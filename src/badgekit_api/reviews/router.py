"""`.../badges/{badge}/applications/{application}/reviews`, at every container level."""

from __future__ import annotations

from fastapi import APIRouter, Response

from badgekit_api.applications.dependencies import ApplicationDep
from badgekit_api.badges.links import badge_path
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.pagination import PageDep, fetch_page
from badgekit_api.http.urls import PublicUrlsDep
from badgekit_api.reviews import service as review_service
from badgekit_api.reviews.dependencies import ReviewDep
from badgekit_api.reviews.schemas import (
    ReviewChanged,
    ReviewCreate,
    ReviewDeleted,
    ReviewEnvelope,
    ReviewList,
    ReviewUpdate,
)
from badgekit_api.reviews.serializers import review_read

router = APIRouter(
    prefix="/badges/{badge_slug}/applications/{application_slug}/reviews", tags=["reviews"]
)


@router.get("", response_model=ReviewList, response_model_exclude_unset=True)
async def list_reviews(
    application: ApplicationDep, session: SessionDep, page: PageDep
) -> ReviewList:
    """The application's reviews, oldest first."""
    reviews, page_data = await fetch_page(session, review_service.list_statement(application), page)
    listing = ReviewList(reviews=[review_read(review) for review in reviews])
    if page_data is not None:
        listing.page_data = page_data
    return listing


@router.post("", response_model=ReviewChanged, status_code=201)
async def create_review(
    application: ApplicationDep,
    response: Response,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: ReviewCreate = Body(ReviewCreate),
) -> ReviewChanged:
    """Submit a review; the system's webhooks hear of it, with whether it approves."""
    review = await review_service.create(session, application, data, urls)
    response.headers["Location"] = (
        f"{badge_path(application.badge)}/applications/{application.slug}/reviews/{review.slug}"
    )
    return ReviewChanged(status="created", review=review_read(review))


@router.get("/{review_slug}", response_model=ReviewEnvelope)
async def get_review(review: ReviewDep) -> ReviewEnvelope:
    """One of the application's reviews."""
    return ReviewEnvelope(review=review_read(review))


@router.put("/{review_slug}", response_model=ReviewChanged)
async def update_review(
    application: ApplicationDep,
    review: ReviewDep,
    session: SessionDep,
    urls: PublicUrlsDep,
    data: ReviewUpdate = Body(ReviewUpdate),
) -> ReviewChanged:
    """Update the given fields; absent ones (`reviewItems` too) are kept. The webhooks hear
    of the updated review as of a new one."""
    review = await review_service.update(session, application, review, data, urls)
    return ReviewChanged(status="updated", review=review_read(review))


@router.delete("/{review_slug}", response_model=ReviewDeleted)
async def delete_review(review: ReviewDep, session: SessionDep) -> ReviewDeleted:
    """Delete a review (no webhook event)."""
    shown = review_read(review)
    await review_service.delete(session, review)
    return ReviewDeleted(status="deleted", badge=shown, review=shown)
