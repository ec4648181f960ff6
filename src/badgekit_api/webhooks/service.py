"""Webhooks of a system, and their deliveries: queries and changes (flush, never commit)."""

from __future__ import annotations

import secrets

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.errors import NotFound
from badgekit_api.fields import path_id
from badgekit_api.models import DeliveryStatus, Webhook, WebhookEvent
from badgekit_api.models.base import utcnow
from badgekit_api.scopes.containers import Identified
from badgekit_api.webhooks.addresses import AddressPolicy
from badgekit_api.webhooks.claiming import resume_parked
from badgekit_api.webhooks.schemas import (
    DeliveryRead,
    WebhookCreate,
    WebhookRead,
    WebhookUpdate,
)


def list_statement(system: Identified) -> Select[Webhook]:
    return select(Webhook).where(Webhook.system_id == system.id).order_by(Webhook.id)


async def get(session: AsyncSession, system: Identified, webhook_id: str | int) -> Webhook:
    """The system's webhook with this id; 404 for any other (or a malformed id)."""
    wanted = webhook_id if isinstance(webhook_id, int) else path_id(webhook_id)
    webhook = None
    if wanted is not None:
        webhook = await session.scalar(
            select(Webhook).where(Webhook.system_id == system.id, Webhook.id == wanted)
        )
    if webhook is None:
        raise NotFound.for_field("webhook", "id", webhook_id)
    return webhook


async def create(
    session: AsyncSession, system: Identified, data: WebhookCreate, *, addresses: AddressPolicy
) -> Webhook:
    await addresses.check_url(data.url)
    webhook = Webhook(
        system_id=system.id,
        url=data.url,
        events=",".join(data.events),
        active=data.active,
        secret=data.secret or secrets.token_urlsafe(32),
    )
    session.add(webhook)
    await session.flush()
    return webhook


async def update(
    session: AsyncSession, webhook: Webhook, data: WebhookUpdate, *, addresses: AddressPolicy
) -> Webhook:
    if data.url is not None:
        await addresses.check_url(data.url)
        webhook.url = data.url
    if data.events is not None:
        webhook.events = ",".join(data.events)
    if data.active and not webhook.active:
        await resume_parked(session, webhook.id, utcnow())
    if data.active is not None:
        webhook.active = data.active
    if data.secret is not None:
        webhook.secret = data.secret
    await session.flush()
    return webhook


async def delete(session: AsyncSession, webhook: Webhook) -> None:
    """Delete the webhook; its undelivered events go with it."""
    await session.delete(webhook)
    await session.flush()


def deliveries_statement(webhook: Webhook) -> Select[WebhookEvent]:
    """The webhook's events, newest first."""
    return (
        select(WebhookEvent)
        .where(WebhookEvent.webhook_id == webhook.id)
        .order_by(WebhookEvent.created_at.desc(), WebhookEvent.id.desc())
    )


async def get_delivery(session: AsyncSession, webhook: Webhook, event_id: str) -> WebhookEvent:
    event = await session.scalar(
        select(WebhookEvent).where(
            WebhookEvent.webhook_id == webhook.id, WebhookEvent.id == event_id
        )
    )
    if event is None:
        raise NotFound.for_field("delivery", "id", event_id)
    return event


async def redeliver(session: AsyncSession, event: WebhookEvent) -> WebhookEvent:
    """Make the event due now with a fresh retry schedule, whatever happened to it so far.

    Clearing the claim token means a worker still sending it cannot record over this.
    """
    event.status = DeliveryStatus.PENDING
    event.attempts = 0
    event.next_attempt_at = utcnow()
    event.locked_until = None
    event.claim_token = None
    event.delivered_at = None
    await session.flush()
    return event


def webhook_read(webhook: Webhook) -> WebhookRead:
    return WebhookRead(
        id=webhook.id,
        url=webhook.url,
        events=webhook.actions,
        active=webhook.active,
        created=webhook.created_at,
    )


def delivery_read(event: WebhookEvent) -> DeliveryRead:
    return DeliveryRead(
        id=event.id,
        action=event.action,
        status=event.status,
        attempts=event.attempts,
        lastStatusCode=event.last_status_code,
        lastError=event.last_error,
        nextAttemptAt=event.next_attempt_at,
        created=event.created_at,
        deliveredAt=event.delivered_at,
    )
