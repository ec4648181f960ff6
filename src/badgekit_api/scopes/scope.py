"""The scope of a request: the containers `/systems/{s}[/issuers/{i}[/programs/{p}]]` names
(resolved by the request's start statement, `start.py`), and WHERE clauses for what lives
in them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Path
from sqlalchemy import ColumnElement, and_, bindparam

from badgekit_api.scopes.containers import Container

SystemSlug = Annotated[str, Path(description="The system's slug")]
IssuerSlug = Annotated[str, Path(description="The issuer's slug")]
ProgramSlug = Annotated[str, Path(description="The program's slug")]


@dataclass(frozen=True, slots=True)
class Scope:
    """The deepest container named in the URL, with its parents."""

    system: Container
    issuer: Container | None = None
    program: Container | None = None

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


def scope_depth(path_params: Mapping[str, Any]) -> int:
    """How deep the URL's containers go (see `Scope.depth`)."""
    if "issuer_slug" not in path_params:
        return 0
    return 2 if "program_slug" in path_params else 1
