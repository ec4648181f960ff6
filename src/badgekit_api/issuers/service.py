"""Queries for issuers, with their programs and images loaded up front."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from badgekit_api.errors import NotFound
from badgekit_api.models import Issuer, Program
from badgekit_api.scopes.containers import Identified

WITH_PROGRAMS = (
    selectinload(Issuer.image),
    selectinload(Issuer.programs).selectinload(Program.image),
)


def in_system(system: Identified) -> ColumnElement[bool]:
    return Issuer.system_id == system.id


def list_statement(system: Identified) -> Select[Issuer]:
    return select(Issuer).options(*WITH_PROGRAMS).where(in_system(system)).order_by(Issuer.id)


async def get_tree(session: AsyncSession, system: Identified, slug: str) -> Issuer:
    issuer = await session.scalar(
        select(Issuer).options(*WITH_PROGRAMS).where(in_system(system), Issuer.slug == slug),
        execution_options={"populate_existing": True},
    )
    if issuer is None:
        raise NotFound.for_field("issuer", "slug", slug)
    return issuer
