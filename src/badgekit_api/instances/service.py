"""Awards and revocations of badge instances. The caller owns the transaction; what they
answer comes from the instances' read path (`queries.py`)."""

from __future__ import annotations

from typing import Any, cast

import orjson
from sqlalchemy import CursorResult, Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.queries import ActingBadge
from badgekit_api.errors import NotFound, ValidationFailed
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.awarding import Awarded, Grant, Held
from badgekit_api.instances.cascade import award_with_milestones
from badgekit_api.instances.csv_rows import CsvRow
from badgekit_api.instances.links import assertion_url
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


# Grants per award call: each call's statements do not grow with its rows (one IN list
# and one insert on PostgreSQL), and this many stay under every database's parameter cap.
CSV_BATCH = 5000


async def issue_csv(
    session: AsyncSession,
    badge: ActingBadge,
    rows: list[CsvRow],
    urls: PublicUrls,
    *,
    all_or_nothing: bool,
) -> list[dict[str, Any]]:
    """Award the badge to every valid row's earner; one result a row, in the file's order.
    With `all_or_nothing`, one invalid row is a 400 naming every invalid row."""
    invalid = [row for row in rows if row.grant is None]
    if all_or_nothing and invalid:
        raise ValidationFailed(
            [{"field": "row", "value": row.row, "message": row.reason} for row in invalid],
            f"{len(invalid)} of {len(rows)} rows are invalid: nothing was awarded",
        )
    grants = [row.grant for row in rows if row.grant is not None]
    created: dict[str, Held] = {}
    skipped: dict[str, Held] = {}
    for start in range(0, len(grants), CSV_BATCH):
        awarded = await award_with_milestones(
            session, badge, grants[start : start + CSV_BATCH], urls, on_holder="skip"
        )
        created.update((held.email, held) for held in awarded.created)
        skipped.update((held.email, held) for held in awarded.skipped)
    return [_result(row, created, skipped, urls) for row in rows]


def _result(
    row: CsvRow, created: dict[str, Held], skipped: dict[str, Held], urls: PublicUrls
) -> dict[str, Any]:
    if row.grant is None:
        return {"row": row.row, "email": row.email, "status": "invalid", "reason": row.reason}
    held = created.get(row.grant.email)
    status = "created" if held is not None else "skipped"
    held = held or skipped[row.grant.email]
    return {
        "row": row.row,
        "email": held.email,
        "status": status,
        "slug": held.slug,
        "assertionUrl": assertion_url(held.slug, urls),
    }
