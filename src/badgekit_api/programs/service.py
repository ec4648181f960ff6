"""Queries for programs, with their images loaded up front."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from badgekit_api.errors import NotFound
from badgekit_api.models import Program
from badgekit_api.scopes.containers import Identified


def in_issuer(issuer: Identified) -> ColumnElement[bool]:
    return Program.issuer_id == issuer.id


def list_statement(issuer: Identified) -> Select[Program]:
    return (
        select(Program)
        .options(selectinload(Program.image))
        .where(in_issuer(issuer))
        .order_by(Program.id)
    )


async def get(session: AsyncSession, issuer: Identified, slug: str) -> Program:
    program = await session.scalar(
        select(Program)
        .options(selectinload(Program.image))
        .where(in_issuer(issuer), Program.slug == slug),
        execution_options={"populate_existing": True},
    )
    if program is None:
        raise NotFound.for_field("program", "slug", slug)
    return program
