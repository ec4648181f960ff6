"""Claim due outbox rows so that no two workers send the same event at the same time.

PostgreSQL and MySQL/MariaDB pick candidates with `SELECT ... FOR UPDATE SKIP LOCKED`, so
concurrent workers take disjoint rows without waiting on each other. Every dialect then
claims with a conditional `UPDATE ... WHERE <still due>` stamped with a fresh token and
reads back only the rows carrying that token: on SQLite (no row locks) that conditional
update is what settles a race. A claim holds a lease (`locked_until`); rows of a worker
that died are due again once it runs out.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, joinedload, undefer

from badgekit_api.db.database import SessionFactory, write_transaction
from badgekit_api.models import DeliveryStatus, WebhookEvent


@dataclass(frozen=True, slots=True)
class ClaimedEvent:
    """What one claimed event needs to be sent, read while the claim was made."""

    id: str
    token: str
    attempt: int
    action: str
    body: bytes
    webhook_id: int
    url: str
    secret: str


def _pending(now: datetime) -> ColumnElement[bool]:
    return and_(WebhookEvent.status == DeliveryStatus.PENDING, WebhookEvent.next_attempt_at <= now)


def _stalled(now: datetime) -> ColumnElement[bool]:
    return and_(WebhookEvent.status == DeliveryStatus.SENDING, WebhookEvent.locked_until <= now)


def _candidates(
    condition: ColumnElement[bool],
    order: InstrumentedAttribute[datetime | None],
    limit: int,
    skip_webhooks: Collection[int],
) -> Select[str]:
    # One index range, read in index order: InnoDB then locks only the rows it returns or
    # skips (an OR of both kinds, or a join, would scan, sort and lock every due row).
    statement = select(WebhookEvent.id).where(condition)
    if skip_webhooks:
        statement = statement.where(WebhookEvent.webhook_id.not_in(skip_webhooks))
    return statement.order_by(order, WebhookEvent.id).limit(limit).with_for_update(skip_locked=True)


async def claim_due(
    session_factory: SessionFactory,
    *,
    now: datetime,
    limit: int,
    lease: timedelta,
    skip_webhooks: Collection[int] = (),
) -> list[ClaimedEvent]:
    """Claim up to `limit` due events, oldest first, and return them ready to send.

    Events of the webhooks in `skip_webhooks` (the caller is still sending earlier ones) are
    left for later. Events of an inactive webhook are parked instead (pending with no next
    attempt) until the webhook is switched back on.
    """
    token = uuid.uuid4().hex
    async with write_transaction(session_factory) as session:
        ids = list(
            await session.scalars(
                _candidates(_stalled(now), WebhookEvent.locked_until, limit, skip_webhooks)
            )
        )
        if len(ids) < limit:
            ids += await session.scalars(
                _candidates(
                    _pending(now), WebhookEvent.next_attempt_at, limit - len(ids), skip_webhooks
                )
            )
        if not ids:
            return []
        await session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.id.in_(ids), or_(_pending(now), _stalled(now)))
            .values(
                status=DeliveryStatus.SENDING,
                attempts=WebhookEvent.attempts + 1,
                locked_until=now + lease,
                claim_token=token,
            )
            .execution_options(synchronize_session=False)
        )
        claimed = list(
            await session.scalars(
                select(WebhookEvent)
                .options(undefer(WebhookEvent.payload), joinedload(WebhookEvent.webhook))
                .where(WebhookEvent.claim_token == token)
                .order_by(WebhookEvent.created_at, WebhookEvent.id)
            )
        )
        parked = [event.id for event in claimed if not event.webhook.active]
        if parked:
            await session.execute(
                update(WebhookEvent)
                .where(WebhookEvent.id.in_(parked))
                .values(
                    status=DeliveryStatus.PENDING,
                    attempts=WebhookEvent.attempts - 1,
                    next_attempt_at=None,
                    locked_until=None,
                    claim_token=None,
                )
                .execution_options(synchronize_session=False)
            )
        return [
            ClaimedEvent(
                id=event.id,
                token=token,
                attempt=event.attempts,
                action=event.action,
                body=event.payload.encode(),
                webhook_id=event.webhook_id,
                url=event.webhook.url,
                secret=event.webhook.secret,
            )
            for event in claimed
            if event.webhook.active
        ]


async def resume_parked(session: AsyncSession, webhook_id: int, now: datetime) -> None:
    """Make the events parked while a webhook was inactive due again (flush only)."""
    await session.execute(
        update(WebhookEvent)
        .where(
            WebhookEvent.webhook_id == webhook_id,
            WebhookEvent.status == DeliveryStatus.PENDING,
            WebhookEvent.next_attempt_at.is_(None),
        )
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
