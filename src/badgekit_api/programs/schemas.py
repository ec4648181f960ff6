"""Envelopes of the program endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from badgekit_api.containers.schemas import ProgramRead
from badgekit_api.http.pagination import PageData


class ProgramEnvelope(BaseModel):
    program: ProgramRead


class ProgramChanged(BaseModel):
    status: Literal["created", "updated", "deleted"]
    program: ProgramRead


class ProgramList(BaseModel):
    programs: list[ProgramRead]
    pageData: PageData | None = None  # noqa: N815 - wire name
