"""Review writes, as Core statements. The caller owns the transaction.

Every review written (created or updated) queues a `review` webhook event in the same
transaction, with the application, the review and whether it approves the application.
Approval never awards the badge: the issuer's site does that when it hears the event.
"""

from __future__ import annotations

import secrets
from typing import Any

import orjson
from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.db.insert_together import Children, Together, insert_together
from badgekit_api.errors import ValidationFailed
from badgekit_api.models.base import utcnow
from badgekit_api.reviews.items import review_items
from badgekit_api.reviews.notify import notify_review
from badgekit_api.reviews.queries import ITEMS, REVIEWS, review_by_id
from badgekit_api.reviews.schemas import ReviewCreate, ReviewUpdate


def new_slug() -> str:
    return secrets.token_hex(16)


def _criteria(application: str) -> set[int]:
    """The ids of the criteria of the badge applied for (the application's JSON text)."""
    return {criterion["id"] for criterion in orjson.loads(application)["badge"]["criteria"]}


async def create(
    session: AsyncSession, application: str, data: ReviewCreate, webhook_ids: list[int]
) -> tuple[str, str]:
    """A new review of the application (its JSON text), announced to `webhook_ids`: the
    review's slug and JSON text. On PostgreSQL the review and its items are one
    statement (`insert_together`)."""
    items = review_items(_criteria(application), data.review_items)
    slug = new_slug()
    values = {
        "slug": slug,
        "application_id": orjson.loads(application)["id"],
        "author": data.author,
        "comment": data.comment,
        "created_at": utcnow(),
    }
    created = await insert_together(
        session,
        Together(
            parent=REVIEWS,
            key="slug",
            rows=[values],
            returning=(),
            children=(Children(ITEMS, "review_id", [{"parent": slug, **i} for i in items]),),
        ),
    )
    shown = await review_by_id(session, created[slug].id)
    await notify_review(session, application, shown, webhook_ids)
    return slug, shown


async def update_review(
    session: AsyncSession,
    application: str,
    review_id: int,
    data: ReviewUpdate,
    webhook_ids: list[int],
) -> str:
    """Apply the fields present in `data` (`reviewItems`, when given, replaces them all);
    the changed review is announced again. Its JSON text."""
    given = data.model_fields_set
    values: dict[str, Any] = {}
    if "author" in given:
        if data.author is None:
            raise ValidationFailed.field("author", None, "A review needs an author")
        values["author"] = data.author
    if "comment" in given:
        values["comment"] = data.comment
    if data.review_items is not None:
        items = review_items(_criteria(application), data.review_items)
        await session.execute(delete(ITEMS).where(ITEMS.c.review_id == review_id))
        await _insert_items(session, review_id, items)
    if values:
        await session.execute(update(REVIEWS).where(REVIEWS.c.id == review_id).values(values))
    shown = await review_by_id(session, review_id)
    await notify_review(session, application, shown, webhook_ids)
    return shown


async def delete_review(session: AsyncSession, review_id: int) -> None:
    """Delete the review; the database cascades to its items."""
    await session.execute(delete(REVIEWS).where(REVIEWS.c.id == review_id))


async def _insert_items(session: AsyncSession, review_id: int, items: list[dict[str, Any]]) -> None:
    if items:
        await session.execute(insert(ITEMS), [{"review_id": review_id, **item} for item in items])
