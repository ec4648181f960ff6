"""`/systems/{system}/webhooks`: register receivers, look at deliveries, redeliver."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.pagination import PageDep, fetch_page
from badgekit_api.scopes import CurrentScope
from badgekit_api.webhooks import service as webhook_service
from badgekit_api.webhooks.addresses import AddressPolicyDep
from badgekit_api.webhooks.schemas import (
    DeliveryChanged,
    DeliveryList,
    WebhookChanged,
    WebhookCreate,
    WebhookCreated,
    WebhookEnvelope,
    WebhookList,
    WebhookUpdate,
    WebhookWithSecret,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

WebhookId = Annotated[str, Path(description="The webhook's id")]
EventId = Annotated[str, Path(description="The event's id (its `X-BadgeKit-Event-Id`)")]


@router.get("", response_model=WebhookList, response_model_exclude_unset=True)
async def list_webhooks(scope: CurrentScope, session: SessionDep, page: PageDep) -> WebhookList:
    """The system's webhooks (their secrets are never shown again)."""
    statement = webhook_service.list_statement(scope.system)
    webhooks, page_data = await fetch_page(session, statement, page)
    listing = WebhookList(webhooks=[webhook_service.webhook_read(hook) for hook in webhooks])
    if page_data is not None:
        listing.pageData = page_data
    return listing


@router.post("", response_model=WebhookCreated, status_code=201)
async def create_webhook(
    scope: CurrentScope,
    response: Response,
    session: SessionDep,
    addresses: AddressPolicyDep,
    data: WebhookCreate = Body(WebhookCreate),
) -> WebhookCreated:
    """Register a receiver; the answer holds its signing secret, shown this once only."""
    webhook = await webhook_service.create(session, scope.system, data, addresses=addresses)
    response.headers["Location"] = f"/systems/{scope.system.slug}/webhooks/{webhook.id}"
    shown = webhook_service.webhook_read(webhook)
    return WebhookCreated(
        status="created",
        webhook=WebhookWithSecret(**shown.model_dump(), secret=webhook.secret),
    )


@router.get("/{webhook_id}", response_model=WebhookEnvelope)
async def get_webhook(
    webhook_id: WebhookId, scope: CurrentScope, session: SessionDep
) -> WebhookEnvelope:
    """One webhook by its id."""
    webhook = await webhook_service.get(session, scope.system, webhook_id)
    return WebhookEnvelope(webhook=webhook_service.webhook_read(webhook))


@router.put("/{webhook_id}", response_model=WebhookChanged)
async def update_webhook(
    webhook_id: WebhookId,
    scope: CurrentScope,
    session: SessionDep,
    addresses: AddressPolicyDep,
    data: WebhookUpdate = Body(WebhookUpdate),
) -> WebhookChanged:
    """Change the given fields (`url`, `events`, `active`, `secret`)."""
    webhook = await webhook_service.get(session, scope.system, webhook_id)
    await webhook_service.update(session, webhook, data, addresses=addresses)
    return WebhookChanged(status="updated", webhook=webhook_service.webhook_read(webhook))


@router.delete("/{webhook_id}", response_model=WebhookChanged)
async def delete_webhook(
    webhook_id: WebhookId, scope: CurrentScope, session: SessionDep
) -> WebhookChanged:
    """Delete a webhook and its undelivered events."""
    webhook = await webhook_service.get(session, scope.system, webhook_id)
    shown = webhook_service.webhook_read(webhook)
    await webhook_service.delete(session, webhook)
    return WebhookChanged(status="deleted", webhook=shown)


@router.get(
    "/{webhook_id}/deliveries", response_model=DeliveryList, response_model_exclude_unset=True
)
async def list_deliveries(
    webhook_id: WebhookId, scope: CurrentScope, session: SessionDep, page: PageDep
) -> DeliveryList:
    """The webhook's events and how their delivery went, newest first."""
    webhook = await webhook_service.get(session, scope.system, webhook_id)
    statement = webhook_service.deliveries_statement(webhook)
    events, page_data = await fetch_page(session, statement, page)
    listing = DeliveryList(deliveries=[webhook_service.delivery_read(event) for event in events])
    if page_data is not None:
        listing.pageData = page_data
    return listing


@router.post("/{webhook_id}/deliveries/{event_id}/redeliver", response_model=DeliveryChanged)
async def redeliver(
    webhook_id: WebhookId, event_id: EventId, scope: CurrentScope, session: SessionDep
) -> DeliveryChanged:
    """Send the event again as soon as a worker is free, even if it was delivered or failed."""
    webhook = await webhook_service.get(session, scope.system, webhook_id)
    event = await webhook_service.get_delivery(session, webhook, event_id)
    await webhook_service.redeliver(session, event)
    return DeliveryChanged(status="updated", delivery=webhook_service.delivery_read(event))
