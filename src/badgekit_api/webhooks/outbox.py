"""Queue webhook events in the caller's transaction; the delivery worker sends them later.

A producer (award, revoke, review) calls `enqueue` beside its own writes: when its
transaction rolls back there is no event, when it commits the event will be delivered.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import event, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from badgekit_api.models import DeliveryStatus, Webhook, WebhookEvent
from badgekit_api.models.base import utcnow
from badgekit_api.webhooks.events import ACTIONS

_WAKE_ON_COMMIT = "badgekit_webhooks_wake_on_commit"
_commit_listeners: set[Callable[[], None]] = set()
_last_event_time = datetime.min.replace(tzinfo=UTC)


async def enqueue(
    session: AsyncSession, *, system_id: int, action: str, payload: dict[str, Any]
) -> list[str]:
    """Queue `payload` for every active webhook of the system that wants `action`.

    Only flushes, never commits. Returns the ids of the events written (one per webhook).
    """
    return await enqueue_many(session, system_id=system_id, action=action, payloads=[payload])


async def enqueue_many(
    session: AsyncSession,
    *,
    system_id: int,
    action: str,
    payloads: Sequence[dict[str, Any]],
    webhook_ids: Sequence[int] | None = None,
) -> list[str]:
    """Queue each payload, in order, for every active webhook of the system that wants
    `action`: one lookup of the webhooks and one batched insert however many there are
    (a bulk award of a thousand earners is not two thousand statements).

    Only flushes, never commits. Returns the ids of the events written.
    """
    _check(action, payloads)
    if not payloads:
        return []
    if webhook_ids is None:
        webhook_ids = await subscribed(session, system_id, action)
    rows = event_rows(
        system_id=system_id, action=action, payloads=payloads, webhook_ids=webhook_ids
    )
    if not rows:
        return []
    await session.execute(insert(WebhookEvent), rows)
    wake_workers_after_commit(session)
    return [row["id"] for row in rows]


def event_rows(
    *,
    system_id: int,
    action: str,
    payloads: Sequence[dict[str, Any]],
    webhook_ids: Sequence[int],
) -> list[dict[str, Any]]:
    """The outbox rows of `payloads` for each of `webhook_ids`, for a caller that inserts
    them with its own rows (`db/insert_together.py`; then call `wake_workers_after_commit`)."""
    _check(action, payloads)
    rows: list[dict[str, Any]] = []
    for payload in payloads:
        body = orjson.dumps(payload).decode()
        created = _event_time()
        rows += [
            {
                "id": str(uuid.uuid4()),
                "system_id": system_id,
                "webhook_id": webhook_id,
                "action": action,
                "payload": body,
                "status": DeliveryStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": created,
                "created_at": created,
            }
            for webhook_id in webhook_ids
        ]
    return rows


def _check(action: str, payloads: Sequence[dict[str, Any]]) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown webhook action {action!r}")
    for payload in payloads:
        if payload.get("action") != action:
            raise ValueError(f"payload action {payload.get('action')!r} is not {action!r}")


async def subscribed(session: AsyncSession, system_id: int, action: str) -> list[int]:
    """The system's active webhooks that hear of `action`, in id order."""
    found = await session.execute(
        select(Webhook.id, Webhook.events)
        .where(Webhook.system_id == system_id, Webhook.active.is_(True))
        .order_by(Webhook.id)
    )
    return [webhook_id for webhook_id, events in found if action in events.split(",")]


def on_commit(callback: Callable[[], None]) -> Callable[[], None]:
    """Call `callback` after each commit that queued events; returns the unsubscriber."""
    _commit_listeners.add(callback)
    return lambda: _commit_listeners.discard(callback)


def _event_time() -> datetime:
    # Workers make first attempts in `created_at` order; keep it strictly increasing in
    # this process even when two events fall within one clock tick.
    global _last_event_time
    now = utcnow()
    if now <= _last_event_time:
        now = _last_event_time + timedelta(microseconds=1)
    _last_event_time = now
    return now


def wake_workers_after_commit(session: AsyncSession) -> None:
    """Tell the delivery workers of this process about new events once the session commits."""
    sync_session = session.sync_session
    if _WAKE_ON_COMMIT in sync_session.info:
        sync_session.info[_WAKE_ON_COMMIT] = True
        return
    sync_session.info[_WAKE_ON_COMMIT] = True
    event.listen(sync_session, "after_commit", _after_commit)
    event.listen(sync_session, "after_rollback", _after_rollback)


def _after_commit(sync_session: Session) -> None:
    if sync_session.info.get(_WAKE_ON_COMMIT):
        sync_session.info[_WAKE_ON_COMMIT] = False
        for callback in list(_commit_listeners):
            callback()


def _after_rollback(sync_session: Session) -> None:
    sync_session.info[_WAKE_ON_COMMIT] = False
