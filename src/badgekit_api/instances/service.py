"""Awards and revocations of badge instances. The caller owns the transaction; what they
answer comes from the instances' read path (`queries.py`)."""

from __future__ import annotations

import gc
from itertools import islice
from typing import Any, cast

import orjson
from sqlalchemy import CursorResult, Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.queries import ActingBadge
from badgekit_api.db.database import plan_each_execution
from badgekit_api.errors import NotFound, ValidationFailed
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.awarding import Awarded, Grant, Held
from badgekit_api.instances.cascade import award_with_milestones
from badgekit_api.instances.csv_answer import CREATED, INVALID, SKIPPED, RowOutcome, RowOutcomes
from badgekit_api.instances.csv_rows import CsvAwards, CsvRow, checked_rows
from badgekit_api.instances.schemas import BulkInstanceCreate, InstanceCreate
from badgekit_api.models import BadgeInstance
from badgekit_api.models.base import utcnow
from badgekit_api.webhooks import events, outbox

_instances: Table = BadgeInstance.__table__  # type: ignore[assignment]


async def issue(
    session: AsyncSession, badge: ActingBadge, data: InstanceCreate, urls: PublicUrls
) -> Held:
    """Award the badge to one earner (consuming the claim code when one is given)."""
    grant = Grant(
        email=data.email,
        slug=data.slug,
        issued_on=data.issued_on,
        expires=data.expires,
        claim_code=data.claim_code,
        comment=data.comment,
        evidence=tuple((item.url, item.narrative) for item in data.evidence),
    )
    awarded = await award_with_milestones(session, badge, [grant], urls, on_holder="conflict")
    [instance] = awarded.created
    return instance


async def issue_bulk(
    session: AsyncSession,
    badge: ActingBadge,
    data: BulkInstanceCreate,
    urls: PublicUrls,
    *,
    max_emails: int,
) -> Awarded:
    """Award the badge to every listed earner who does not hold it yet, all or nothing."""
    if len(data.emails) > max_emails:
        raise ValidationFailed.field(
            "emails", len(data.emails), f"At most {max_emails} emails can be awarded at once"
        )
    grants = [
        Grant(email=email, issued_on=data.issued_on, expires=data.expires, comment=data.comment)
        for email in data.emails
    ]
    return await award_with_milestones(session, badge, grants, urls, on_holder="skip")


async def revoke(
    session: AsyncSession, badge: ActingBadge, instance_id: int, shown: str, reason: str | None
) -> None:
    """Take the award back (`shown`: its JSON text, as the request's start statement read
    it). The row stays (its assertion answers "revoked"), out of every listing; the earner
    can be awarded the badge again. This update is also the award's revocation bit in its
    profile's status list (`status_lists/entries.py`), set in this same transaction."""
    instance = orjson.loads(shown)
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(_instances)
            .where(_instances.c.id == instance_id, _instances.c.live.is_(True))
            .values(live=None, revoked_at=utcnow(), revocation_reason=reason)
        ),
    )
    if result.rowcount != 1:
        # A concurrent revocation got there first.
        raise NotFound.for_field("badgeInstance", "email", instance["email"])
    await outbox.enqueue(
        session,
        system_id=badge.system_id,
        action=events.REVOKE,
        payload=events.revoke(uid=instance["slug"], badge=badge.shown(), email=instance["email"]),
    )


# Rows per award call. Each call's statements do not grow with its rows (one IN list and
# one insert on PostgreSQL), and this many stay under every database's parameter cap. A
# batch's checked rows, inserted rows and webhook payloads are what a CSV award holds at
# once, besides its compact outcomes: 500 keeps a 50,000-row award near the 150 MB a
# worker may use, where 5,000 took it to 180-200 MB (docs/performance.md).
CSV_BATCH = 500


async def issue_csv(
    session: AsyncSession,
    badge: ActingBadge,
    awards: CsvAwards,
    *,
    all_or_nothing: bool,
    urls: PublicUrls,
) -> RowOutcomes:
    """Award the badge to every valid row's earner; one outcome a row, in the file's order.
    With `all_or_nothing`, one invalid row is a 400 naming every invalid row, found by a
    first pass over the file that checks the rows and keeps only the invalid ones."""
    if all_or_nothing:
        invalid = [row for row in checked_rows(awards) if row.grant is None]
        if invalid:
            raise ValidationFailed(
                [{"field": "row", "value": row.row, "message": row.reason} for row in invalid],
                f"{len(invalid)} of {awards.rows} rows are invalid: nothing was awarded",
            )
    await plan_each_execution(session)
    outcomes = RowOutcomes()
    rows = checked_rows(awards)
    while batch := list(islice(rows, CSV_BATCH)):
        grants = [row.grant for row in batch if row.grant is not None]
        # A batch of invalid rows awards nobody (and so is not refused, say as archived).
        awarded = (
            await award_with_milestones(session, badge, grants, urls, on_holder="skip")
            if grants
            else Awarded()
        )
        created = {held.email: held.slug for held in awarded.created}
        skipped = {held.email: held.slug for held in awarded.skipped}
        outcomes.add([_outcome(row, created, skipped) for row in batch])
        # A batch's statements hold its values (its rows, their webhook payloads) in
        # reference cycles of SQLAlchemy's constructs. A collection of the young objects
        # frees them now (well under a millisecond); otherwise they wait for a full
        # collection, which a long-lived worker runs seldom, and 50,000 rows' worth piled up.
        gc.collect(1)
    return outcomes


def _outcome(row: CsvRow, created: dict[str, str], skipped: dict[str, str]) -> RowOutcome:
    if row.grant is None:
        return (row.row, INVALID, row.email, row.reason)
    email = row.grant.email
    if email in created:
        return (row.row, CREATED, email, created[email])
    return (row.row, SKIPPED, email, skipped[email])
