"""Queries for systems, loading everything a response shows in a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import Select, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from badgekit_api.errors import NotFound
from badgekit_api.models import Issuer, Program, System

WITH_TREE = (
    selectinload(System.image),
    selectinload(System.issuers).selectinload(Issuer.image),
    selectinload(System.issuers).selectinload(Issuer.programs).selectinload(Program.image),
)
ALL_SYSTEMS = true()


def list_statement() -> Select[System]:
    return select(System).options(*WITH_TREE).order_by(System.id)


async def get_tree(session: AsyncSession, slug: str) -> System:
    """A system with its issuers, their programs and all their images."""
    system = await session.scalar(
        select(System).options(*WITH_TREE).where(System.slug == slug),
        execution_options={"populate_existing": True},
    )
    if system is None:
        raise NotFound.for_field("system", "slug", slug)
    return system
