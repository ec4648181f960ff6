"""Request and response shapes of `/systems/{system}/webhooks`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from badgekit_api.fields import Url
from badgekit_api.http.pagination import PageData
from badgekit_api.timestamps import Timestamp
from badgekit_api.webhooks.events import ACTIONS


def _event_names(value: Any) -> Any:
    # Forms send `events=award,review`, `events=award&events=review` or `events[]=...`.
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise ValueError(f"Must be a list of events: {', '.join(ACTIONS)}")
    names = [name.strip() if isinstance(name, str) else name for name in value]
    names = [name for name in names if name != ""]
    unknown = [name for name in names if name not in ACTIONS]
    if unknown:
        raise ValueError(f"Unknown event `{unknown[0]}`: must be one of {', '.join(ACTIONS)}")
    if not names:
        raise ValueError(f"Give at least one event: {', '.join(ACTIONS)}")
    return [action for action in ACTIONS if action in names]


EventNames = Annotated[list[str], BeforeValidator(_event_names)]
Secret = Annotated[str, StringConstraints(strip_whitespace=True, min_length=32, max_length=128)]


class WebhookCreate(BaseModel):
    """A receiver URL; it gets every event unless `events` says which."""

    model_config = ConfigDict(extra="ignore")

    url: Url
    events: EventNames = Field(default_factory=lambda: list(ACTIONS))
    active: bool = True
    secret: Secret | None = Field(
        default=None, description="Signing secret; a random one is made when absent"
    )


class WebhookUpdate(BaseModel):
    """Any subset of the fields; what is absent is left unchanged."""

    model_config = ConfigDict(extra="ignore")

    url: Url | None = None
    events: EventNames | None = None
    active: bool | None = None
    secret: Secret | None = None


class WebhookRead(BaseModel):
    id: int
    url: str
    events: list[str]
    active: bool
    created: Timestamp


class WebhookWithSecret(WebhookRead):
    secret: str


class WebhookCreated(BaseModel):
    status: Literal["created"]
    webhook: WebhookWithSecret


class WebhookEnvelope(BaseModel):
    webhook: WebhookRead


class WebhookChanged(BaseModel):
    status: Literal["updated", "deleted"]
    webhook: WebhookRead


class WebhookList(BaseModel):
    webhooks: list[WebhookRead]
    pageData: PageData | None = None  # noqa: N815 - wire name


class DeliveryRead(BaseModel):
    id: str
    action: str
    status: str
    attempts: int
    lastStatusCode: int | None  # noqa: N815 - wire name
    lastError: str | None  # noqa: N815 - wire name
    nextAttemptAt: Timestamp | None  # noqa: N815 - wire name
    created: Timestamp
    deliveredAt: Timestamp | None  # noqa: N815 - wire name


class DeliveryList(BaseModel):
    deliveries: list[DeliveryRead]
    pageData: PageData | None = None  # noqa: N815 - wire name


class DeliveryChanged(BaseModel):
    status: Literal["updated"]
    delivery: DeliveryRead
