"""Applications with their evidence, reviews with their review items."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from badgekit_api.importing.source import Row
from badgekit_api.importing.tables import Context, Planned, TableMapping
from badgekit_api.importing.values import fits, is_zero_date, learner_email, moment
from badgekit_api.models import Application, ApplicationEvidence, Review, ReviewItem

MAX_SLUG = 64


async def _unique_slugs(
    planned: list[Planned], connection: AsyncConnection, context: Context, table: Table, kind: str
) -> None:
    """Slugs are unique here (the original had no key on them): a slug taken in the target,
    by an earlier row of this import, or too long, is replaced by a random one."""
    live = [p for p in planned if p.skip is None]
    if not live:
        return
    column = func.lower(table.c.slug)
    wanted = [p.values["slug"].lower() for p in live if fits(p.values["slug"], MAX_SLUG)]
    taken = set(await connection.scalars(select(column).where(column.in_(wanted))))
    for p in live:
        slug = p.values["slug"]
        if (
            not slug
            or not fits(slug, MAX_SLUG)
            or slug.lower() in taken
            or (kind, slug.lower()) in context.taken
        ):
            p.values["slug"] = secrets.token_hex(16)
            p.fallbacks.append("slug empty, too long or not unique: a new random slug")
        context.taken.add((kind, p.values["slug"].lower()))


class Applications(TableMapping):
    legacy = "applications"
    columns = (
        "id",
        "slug",
        "badgeId",
        "learner",
        "created",
        "assignedTo",
        "assignedExpiration",
        "processed",
    )
    target: ClassVar[Table] = Application.__table__  # type: ignore[assignment]
    key = ("slug",)

    def plan(self, row: Row, context: Context) -> Planned:
        badge = context.badges.get(row["badgeId"])
        learner, valid = learner_email(row["learner"] or "")
        created = moment(row["created"])
        processed = moment(row["processed"])
        values: dict[str, Any] = {
            "slug": row["slug"],
            "badge_id": badge.id if badge else None,
            "learner": learner,
            "assigned_to": row["assignedTo"],
            "assigned_expiration": moment(row["assignedExpiration"]),
            "processed": processed,
            "created_at": created or context.now,
        }
        planned = Planned(row["id"], values)
        if badge is None:
            planned.skip = f"its badge is missing or was not imported (badgeId {row['badgeId']})"
            return planned
        if not valid:
            planned.fallbacks.append("learner's email refused by the validator: kept as stored")
        if is_zero_date(row["created"]):
            planned.fallbacks.append("created is 0000-00-00: the import's time")
        if is_zero_date(row["processed"]):
            # Set in the original, so processed; when is unknown.
            values["processed"] = values["created_at"]
            planned.fallbacks.append("processed is 0000-00-00: processed at its creation time")
        if is_zero_date(row["assignedExpiration"]):
            planned.fallbacks.append("assignedExpiration is 0000-00-00: no expiration")
        return planned

    async def settle(
        self, planned: list[Planned], connection: AsyncConnection, context: Context
    ) -> None:
        await _unique_slugs(planned, connection, context, self.target, "application")

    def remember(self, planned: Planned, new_id: int | None, context: Context) -> None:
        assert new_id is not None
        context.applications[planned.legacy_id] = new_id


class Evidence(TableMapping):
    legacy = "evidence"
    columns = ("id", "applicationId", "url", "mediaType", "reflection")
    target: ClassVar[Table] = ApplicationEvidence.__table__  # type: ignore[assignment]

    def plan(self, row: Row, context: Context) -> Planned:
        application = context.applications.get(row["applicationId"])
        values = {
            "application_id": application,
            # The legacy id keeps the original's order within an application.
            "position": row["id"],
            "url": row["url"],
            "media_type": row["mediaType"],
            "reflection": row["reflection"],
            "image_id": None,
        }
        planned = Planned(row["id"], values)
        if application is None:
            planned.skip = "its application is missing or was not imported"
        elif not fits(row["url"], 2048):
            planned.skip = "url longer than 2048 characters"
        return planned


class Reviews(TableMapping):
    legacy = "reviews"
    columns = ("id", "slug", "applicationId", "author", "comment")
    target: ClassVar[Table] = Review.__table__  # type: ignore[assignment]
    key = ("slug",)

    def plan(self, row: Row, context: Context) -> Planned:
        application = context.applications.get(row["applicationId"])
        values = {
            "slug": row["slug"],
            "application_id": application,
            "author": row["author"],
            "comment": row["comment"],
            # The original kept no time for a review.
            "created_at": context.now,
        }
        planned = Planned(row["id"], values)
        if application is None:
            planned.skip = "its application is missing or was not imported"
        return planned

    async def settle(
        self, planned: list[Planned], connection: AsyncConnection, context: Context
    ) -> None:
        await _unique_slugs(planned, connection, context, self.target, "review")

    def remember(self, planned: Planned, new_id: int | None, context: Context) -> None:
        assert new_id is not None
        context.reviews[planned.legacy_id] = new_id


class ReviewItems(TableMapping):
    legacy = "reviewItems"
    columns = ("id", "reviewId", "criterionId", "satisfied", "comment")
    target: ClassVar[Table] = ReviewItem.__table__  # type: ignore[assignment]

    def plan(self, row: Row, context: Context) -> Planned:
        review = context.reviews.get(row["reviewId"])
        criterion = context.criteria.get(row["criterionId"])
        values = {
            "review_id": review,
            "criterion_id": criterion,
            "satisfied": bool(row["satisfied"]),
            "comment": row["comment"],
        }
        planned = Planned(row["id"], values)
        if review is None or criterion is None:
            planned.skip = "its review or criterion is missing or was not imported"
        return planned
