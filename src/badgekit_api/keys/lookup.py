"""A profile from the slugs that name it (for the CLI, which has no request scope)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.errors import InvalidParameter, NotFound
from badgekit_api.keys.profiles import ProfileRef
from badgekit_api.models import Issuer, Program, System


async def profile_by_slugs(
    session: AsyncSession, system: str, issuer: str | None, program: str | None
) -> ProfileRef:
    if program is not None and issuer is None:
        raise InvalidParameter("issuer", "A program is named with its issuer (--issuer)")
    columns: list[Any] = [System.id]
    source: Any = System.__table__
    if issuer is not None:
        columns.append(Issuer.id)
        source = source.outerjoin(Issuer, (Issuer.system_id == System.id) & (Issuer.slug == issuer))
    if program is not None:
        columns.append(Program.id)
        source = source.outerjoin(
            Program, (Program.issuer_id == Issuer.id) & (Program.slug == program)
        )
    statement = select(*columns).select_from(source).where(System.slug == system)
    row = (await session.execute(statement)).first()
    if row is None:
        raise NotFound.for_field("system", "slug", system)
    system_id, issuer_id, program_id = (*row, None, None)[:3]
    if program is not None:
        if program_id is None:
            raise NotFound.for_field("program", "slug", program)
        return ProfileRef("program", program_id)
    if issuer is not None:
        if issuer_id is None:
            raise NotFound.for_field("issuer", "slug", issuer)
        return ProfileRef("issuer", issuer_id)
    return ProfileRef("system", system_id)
