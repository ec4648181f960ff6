"""The `review` webhook event, queued in the transaction that writes the review."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.applications.serializers import application_read
from badgekit_api.badges.serializers import badge_lists
from badgekit_api.http.urls import PublicUrls
from badgekit_api.models import Application, Review
from badgekit_api.reviews.outcome import approves
from badgekit_api.reviews.serializers import review_read
from badgekit_api.webhooks import events, outbox


async def notify_review(
    session: AsyncSession, application: Application, review: Review, urls: PublicUrls
) -> bool:
    """Queue the event for the system's webhooks; returns whether the review approves."""
    approved = approves(badge_lists(application.badge).criteria, review.items)
    payload = events.review(
        application=application_read(application, urls).model_dump(mode="json", by_alias=True),
        review=review_read(review).model_dump(mode="json", by_alias=True),
        approved=approved,
    )
    await outbox.enqueue(
        session, system_id=application.badge.system_id, action=events.REVIEW, payload=payload
    )
    return approved
