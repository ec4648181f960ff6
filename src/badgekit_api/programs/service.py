"""Queries for programs, with their images loaded up front."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from badgekit_api.errors import NotFound
from badgekit_api.models import Issuer, Program


def in_issuer(issuer: Issuer) -> ColumnElement[bool]:
    return Program.issuer_id == issuer.id


def list_statement(issuer: Issuer) -> Select[Program]:
    return (
        select(Program)
        .options(selectinload(Program.image))
        .where(in_issuer(issuer))
        .order_by(Program.id)
    )


async def get(session: AsyncSession, issuer: Issuer, slug: str) -> Program:
    program = await session.scalar(
        select(Program)
        .options(selectinload(Program.image))
        .where(in_issuer(issuer), Program.slug == slug),
        execution_options={"populate_existing": True},
    )
    if program is None:
        raise NotFound.for_field("program", "slug", slug)
    return program
