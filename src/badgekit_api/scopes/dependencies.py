"""Resolve `/systems/{s}[/issuers/{i}[/programs/{p}]]` once, for every scoped resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy import ColumnElement, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from badgekit_api.database import SessionDep
from badgekit_api.errors import NotFound
from badgekit_api.models import Issuer, Program, System

SystemSlug = Annotated[str, Path(description="The system's slug")]
IssuerSlug = Annotated[str, Path(description="The issuer's slug")]
ProgramSlug = Annotated[str, Path(description="The program's slug")]


@dataclass(frozen=True, slots=True)
class Scope:
    """The deepest container named in the URL, with its parents."""

    system: System
    issuer: Issuer | None = None
    program: Program | None = None

    def owns(self, system_id: Any, issuer_id: Any, program_id: Any) -> ColumnElement[bool]:
        """A WHERE clause for rows (badges, ...) that live in this container or below it."""
        return owned_at(self.depth, system_id, issuer_id, program_id, self.owner_ids())

    @property
    def depth(self) -> int:
        """0 for a system, 1 for an issuer, 2 for a program."""
        return 2 if self.program is not None else 1 if self.issuer is not None else 0

    def owner_ids(self) -> dict[str, Any]:
        """The values of the parameters in `owned_at(self.depth, ...)`."""
        ids = {"owner_system": self.system.id}
        if self.issuer is not None:
            ids["owner_issuer"] = self.issuer.id
        if self.program is not None:
            ids["owner_program"] = self.program.id
        return ids


SCOPE_DEPTHS = (0, 1, 2)


def owned_at(
    depth: int,
    system_id: Any,
    issuer_id: Any,
    program_id: Any,
    values: dict[str, Any] | None = None,
) -> ColumnElement[bool]:
    """The WHERE clause of rows in a container of this depth or below, its parameters
    bound to `values` (`Scope.owner_ids`), or left to bind at execution for statements
    built once per depth rather than once per request."""

    def owner(name: str) -> Any:
        return bindparam(name) if values is None else bindparam(name, values[name], unique=True)

    clause: ColumnElement[bool] = system_id == owner("owner_system")
    if depth >= 1:
        clause = and_(clause, issuer_id == owner("owner_issuer"))
    if depth >= 2:
        clause = and_(clause, program_id == owner("owner_program"))
    return clause


# Built once, with bound parameters: constructing an ORM statement per request costs more
# CPU than running it. Each container comes with its image in the same query.
_SYSTEM_BY_SLUG = (
    select(System).options(joinedload(System.image)).where(System.slug == bindparam("slug"))
)
_ISSUER_BY_SLUG = (
    select(Issuer)
    .options(joinedload(Issuer.image))
    .where(Issuer.system_id == bindparam("parent"), Issuer.slug == bindparam("slug"))
)
_PROGRAM_BY_SLUG = (
    select(Program)
    .options(joinedload(Program.image))
    .where(Program.issuer_id == bindparam("parent"), Program.slug == bindparam("slug"))
)


async def _system(session: AsyncSession, system_slug: str) -> Scope:
    system = await session.scalar(_SYSTEM_BY_SLUG, {"slug": system_slug})
    if system is None:
        raise NotFound.for_field("system", "slug", system_slug)
    return Scope(system=system)


async def _issuer(session: AsyncSession, parent: Scope, issuer_slug: str) -> Scope:
    issuer = await session.scalar(
        _ISSUER_BY_SLUG, {"parent": parent.system.id, "slug": issuer_slug}
    )
    if issuer is None:
        raise NotFound.for_field("issuer", "slug", issuer_slug)
    return Scope(system=parent.system, issuer=issuer)


async def _program(session: AsyncSession, parent: Scope, program_slug: str) -> Scope:
    assert parent.issuer is not None
    program = await session.scalar(
        _PROGRAM_BY_SLUG, {"parent": parent.issuer.id, "slug": program_slug}
    )
    if program is None:
        raise NotFound.for_field("program", "slug", program_slug)
    return Scope(system=parent.system, issuer=parent.issuer, program=program)


async def current_scope(request: Request, session: SessionDep) -> Scope:
    """The container the URL names, resolved (or 404ed) from the outside in, once a request.

    Which levels to resolve is read from the matched path parameters, so one dependency
    serves the routers mounted under every scope prefix.
    """
    params = request.path_params
    scope = await _system(session, params["system_slug"])
    if "issuer_slug" in params:
        scope = await _issuer(session, scope, params["issuer_slug"])
        if "program_slug" in params:
            scope = await _program(session, scope, params["program_slug"])
    return scope


CurrentScope = Annotated[Scope, Depends(current_scope)]
