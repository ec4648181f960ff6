"""Request and response shapes shared by the three container levels."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from badgekit_api.fields import (
    Description,
    ImageInput,
    Name,
    OptionalEmail,
    OptionalUrl,
    Slug,
    Url,
)


class ContainerCreate(BaseModel):
    """Fields to create a system, issuer or program (JSON, urlencoded or multipart)."""

    model_config = ConfigDict(extra="ignore")

    slug: Slug
    name: Name
    url: Url
    description: Description = None
    email: OptionalEmail = None
    image: ImageInput = None
    imageUrl: OptionalUrl = None  # noqa: N815 - wire name


class ContainerUpdate(BaseModel):
    """Any subset of the fields; what is absent is left unchanged."""

    model_config = ConfigDict(extra="ignore")

    slug: Slug | None = None
    name: Name | None = None
    url: Url | None = None
    description: Description = None
    email: OptionalEmail = None
    image: ImageInput = None
    imageUrl: OptionalUrl = None  # noqa: N815 - wire name


class ProgramRead(BaseModel):
    id: int
    slug: str
    url: str
    name: str
    description: str | None
    email: str | None
    imageUrl: str | None  # noqa: N815 - wire name


class IssuerRead(ProgramRead):
    programs: list[ProgramRead]


class SystemRead(ProgramRead):
    issuers: list[IssuerRead]
