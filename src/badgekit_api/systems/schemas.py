"""Envelopes of the system endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from badgekit_api.containers.schemas import SystemRead
from badgekit_api.http.pagination import PageData


class SystemEnvelope(BaseModel):
    system: SystemRead


class SystemChanged(BaseModel):
    status: Literal["created", "updated", "deleted"]
    system: SystemRead


class SystemList(BaseModel):
    systems: list[SystemRead]
    pageData: PageData | None = None  # noqa: N815 - wire name
