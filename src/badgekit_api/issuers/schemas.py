"""Envelopes of the issuer endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from badgekit_api.containers.schemas import IssuerRead
from badgekit_api.http.pagination import PageData


class IssuerEnvelope(BaseModel):
    issuer: IssuerRead


class IssuerChanged(BaseModel):
    status: Literal["created", "updated", "deleted"]
    issuer: IssuerRead


class IssuerList(BaseModel):
    issuers: list[IssuerRead]
    pageData: PageData | None = None  # noqa: N815 - wire name
