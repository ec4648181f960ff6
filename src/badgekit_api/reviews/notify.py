"""The `review` webhook event, queued in the transaction that writes the review: the
application and the review as their read paths write them, and whether it approves."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.reviews.outcome import approves
from badgekit_api.webhooks import events, outbox


async def notify_review(
    session: AsyncSession, application: str, review: str, webhook_ids: list[int]
) -> bool:
    """Queue the event for the webhooks that hear of reviews (`webhook_ids`, the start
    statement found them), with the JSON texts of the application and of its review;
    returns whether the review approves."""
    shown_application: dict[str, Any] = orjson.loads(application)
    shown_review: dict[str, Any] = orjson.loads(review)
    badge = shown_application["badge"]
    criteria = [(criterion["id"], criterion["required"]) for criterion in badge["criteria"]]
    satisfied = [item["criterionId"] for item in shown_review["reviewItems"] if item["satisfied"]]
    approved = approves(criteria, satisfied)
    payload = events.review(application=shown_application, review=shown_review, approved=approved)
    await outbox.enqueue_many(
        session,
        system_id=badge["system"]["id"],
        action=events.REVIEW,
        payloads=[payload],
        webhook_ids=webhook_ids,
    )
    return approved
