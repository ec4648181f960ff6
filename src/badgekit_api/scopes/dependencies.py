"""Resolve `/systems/{s}[/issuers/{i}[/programs/{p}]]` once, for every scoped resource."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, select
from sqlalchemy.orm import joinedload

from badgekit_api.db.database import SessionDep
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
# The path parameter and the name of the container at each depth.
_SLUG_PARAMS = ("system_slug", "issuer_slug", "program_slug")
_CONTAINERS = ("system", "issuer", "program")


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


def scope_depth(path_params: Mapping[str, Any]) -> int:
    """How deep the URL's containers go (see `Scope.depth`)."""
    if "issuer_slug" not in path_params:
        return 0
    return 2 if "program_slug" in path_params else 1


def _chain(depth: int) -> Select[Any]:
    """The system and, as deep as the URL goes, its issuer and program (each with its image)
    in one statement: an issuer or program the URL names that is not there comes back as
    None beside its parent, so a 404 still names the outermost container missing."""
    statement = (
        select(System)
        .options(joinedload(System.image))
        .where(System.slug == bindparam(_SLUG_PARAMS[0]))
    )
    # Each level below the system: its table, the column naming its parent, the parent's id.
    below = ((Issuer, Issuer.system_id, System.id), (Program, Program.issuer_id, Issuer.id))
    for level, (table, parent_column, parent_id) in enumerate(below[:depth], start=1):
        slug_matches = table.slug == bindparam(_SLUG_PARAMS[level])
        statement = (
            statement.add_columns(table)
            .outerjoin(table, and_(parent_column == parent_id, slug_matches))
            .options(joinedload(table.image))
        )
    return statement


# Built once per depth: constructing an ORM statement per request costs more CPU than
# running it.
_CHAINS = {depth: _chain(depth) for depth in SCOPE_DEPTHS}


def scope_statement(depth: int) -> Select[Any]:
    """The statement that resolves containers down to `depth`; its parameters are the
    slugs' path parameter names."""
    return _CHAINS[depth]


def _slugs(path_params: Mapping[str, Any], depth: int) -> dict[str, Any]:
    return {name: path_params[name] for name in _SLUG_PARAMS[: depth + 1]}


def _scope_of(row: Row[Any] | None, path_params: Mapping[str, Any], depth: int) -> Scope:
    """The scope in a row of `_chain(depth)`, or the 404 of its outermost missing container."""
    found = [] if row is None else list(row[: depth + 1])
    for level in range(depth + 1):
        if level >= len(found) or found[level] is None:
            name = _CONTAINERS[level]
            raise NotFound.for_field(name, "slug", path_params[_SLUG_PARAMS[level]])
    return Scope(*found)


async def current_scope(request: Request, session: SessionDep) -> Scope:
    """The container the URL names, resolved (or 404ed) once a request, outermost first.

    Which levels to resolve is read from the matched path parameters, so one dependency
    serves the routers mounted under every scope prefix.
    """
    depth = scope_depth(request.path_params)
    values = _slugs(request.path_params, depth)
    row = (await session.execute(scope_statement(depth), values)).first()
    return _scope_of(row, request.path_params, depth)


CurrentScope = Annotated[Scope, Depends(current_scope)]
