"""Request and response shapes of `/consumers` (master key only)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from badgekit_api.fields import Slug
from badgekit_api.http.pagination import PageData
from badgekit_api.models import Consumer
from badgekit_api.timestamps import Timestamp


class ConsumerCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    system: Slug


class ConsumerRead(BaseModel):
    """A key, never its secret."""

    key: str
    system: str
    created: Timestamp
    rotated: Timestamp | None
    previousSecretExpires: Timestamp | None  # noqa: N815 - wire name
    revoked: Timestamp | None

    @classmethod
    def of(cls, consumer: Consumer) -> ConsumerRead:
        return cls(
            key=consumer.key,
            system=consumer.system.slug,
            created=consumer.created_at,
            rotated=consumer.rotated_at,
            previousSecretExpires=consumer.previous_secret_expires_at,
            revoked=consumer.revoked_at,
        )


class ConsumerWithSecret(ConsumerRead):
    secret: str

    @classmethod
    def of(cls, consumer: Consumer) -> ConsumerWithSecret:
        return cls(**ConsumerRead.of(consumer).model_dump(), secret=consumer.secret)


class ConsumerCreated(BaseModel):
    """Answer to creating or rotating a key: its secret is shown this once."""

    status: Literal["created", "updated"]
    consumer: ConsumerWithSecret


class ConsumerEnvelope(BaseModel):
    consumer: ConsumerRead


class ConsumerRevoked(BaseModel):
    status: Literal["revoked"]
    consumer: ConsumerRead


class ConsumerList(BaseModel):
    consumers: list[ConsumerRead]
    pageData: PageData | None = None  # noqa: N815 - wire name
