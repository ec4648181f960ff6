"""The start of a request: who signed it, the containers its URL names, and what its route
reads, all from one statement.

Every signed route under a container runs `signed_start` (mounted in `api.py`), and every
public route under one `public_start`. The statement has one column per thing to find, each
a scalar subquery, so that a missing container or an unknown key is a NULL beside the
others rather than a missing row:

- `caller`: the consumer key's secrets and system (not for the master key, whose secret is
  the server's own setting);
- `system`, `issuer`, `program`: each container the URL names, down to its depth;
- the columns of the route's `Reading`, declared on its handler with `@reads(...)`: the
  resource it shows, usually as the JSON text that goes out as the response body.

The token is checked before anything is shown: an unknown key, a bad signature or a key of
another system is a 403 whatever the URL names; then the outermost missing container is
the 404. Statements are built once per shape (depth, key kind, reading variant) and kept,
so each runs from SQLAlchemy's compiled cache and the driver's prepared statements.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import Depends, Request
from sqlalchemy import ColumnElement, Select, bindparam, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.db.database import SessionDep
from badgekit_api.db.driver import ResultRow, fetch_one
from badgekit_api.db.json_sql import json_object
from badgekit_api.errors import InvalidParameter, NotAuthorized, NotFound
from badgekit_api.http.urls import origin_of
from badgekit_api.models import Consumer
from badgekit_api.models.base import UTCDateTime, utcnow
from badgekit_api.scopes.containers import (
    LEVELS,
    SLUG_PARAMS,
    SYSTEMS,
    Container,
    named_container,
)
from badgekit_api.scopes.scope import Scope, scope_depth
from badgekit_api.security import auth

_consumers = Consumer.__table__

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


class Reading:
    """What a route reads in its request's statement, besides the caller and containers.

    A reading is declared once, at import; `columns` gives its labelled columns for a
    scope depth (-1: a route outside any container) and a `variant` (which the request
    picks, e.g. a page or the whole list), `params` what they are run with.
    """

    def variant(self, request: Request) -> Hashable:
        """Which form of the statement this request needs (one statement is kept per form)."""
        return None

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        raise NotImplementedError

    def params(self, request: Request, variant: Any) -> dict[str, Any]:
        """Values for the reading's own parameters; the path parameters, `origin` and
        `now` are always bound."""
        return {}


_READING = "_badgekit_reading"


def reads(reading: Reading) -> Callable[[Endpoint], Endpoint]:
    """Declare that a route's handler reads `reading` in its request's start statement
    (the handler then takes `Started` and finds the columns in `started.row`)."""

    def declare(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _READING, reading)
        return endpoint

    return declare


def reading_of(request: Request) -> Reading | None:
    return getattr(request.scope.get("endpoint"), _READING, None)


@dataclass(frozen=True, slots=True)
class Started:
    """What the start statement found: who called, where, and the route's columns."""

    caller: auth.Caller | None
    scope: Scope | None
    row: ResultRow | None = field(default=None)


def _caller_column() -> ColumnElement[Any]:
    """The signing key's secrets: the current one, the previous one while its overlap
    lasts, none once it is revoked; and its system's slug."""
    consumer = _consumers.alias("caller_key")
    system = SYSTEMS.alias("caller_system")
    now = bindparam("now", type_=UTCDateTime())
    live = consumer.c.revoked_at.is_(None)
    document = json_object(
        {
            "secret": case((live, consumer.c.secret)),
            "previous": case(
                (live & (consumer.c.previous_secret_expires_at > now), consumer.c.previous_secret)
            ),
            "system": select(system.c.slug)
            .where(system.c.id == consumer.c.system_id)
            .scalar_subquery(),
        }
    )
    return (
        select(document).where(consumer.c.key == bindparam("key")).scalar_subquery().label("caller")
    )


_statements: dict[tuple[Any, ...], Select[Any] | None] = {}


def start_statement(
    depth: int, consumer: bool, reading: Reading | None, variant: Any = None
) -> Select[Any] | None:
    """The start statement of one shape, built on first use and kept."""
    """The start statement of one shape (None: nothing to read, a master-key request outside
    any container), built on first use and kept."""
    key = (depth, consumer, id(reading), variant)
    if key not in _statements:
        columns = [_caller_column()] if consumer else []
        columns += [named_container(level) for level in range(depth + 1)]
        if reading is not None:
            columns += reading.columns(depth, variant)
        _statements[key] = select(*columns) if columns else None
    return _statements[key]


def _params(request: Request, key: str | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = dict(request.path_params)
    values["origin"] = origin_of(request)
    values["now"] = utcnow()
    if key is not None:
        values["key"] = key
    values.update(extra)
    return values


async def _run(
    request: Request, session: AsyncSession, depth: int, key: str | None
) -> tuple[ResultRow | None, InvalidParameter | None]:
    """The start statement's row, or, when the reading refuses the request's parameters,
    the row without it and the refusal (raised once the token has been checked: a request
    that is not signed learns nothing about its parameters)."""
    reading = reading_of(request)
    refused = None
    try:
        variant = reading.variant(request) if reading is not None else None
    except InvalidParameter as error:
        reading, variant, refused = None, None, error
    statement = start_statement(depth, key is not None, reading, variant)
    if statement is None:
        return None, refused
    extra = reading.params(request, variant) if reading is not None else {}
    row = await fetch_one(session, statement, _params(request, key, extra))
    return row, refused


def _scope(row: ResultRow | None, request: Request, depth: int) -> Scope | None:
    """The scope in the row, or the 404 of its outermost missing container."""
    if depth < 0:
        return None
    assert row is not None
    found = []
    for level in range(depth + 1):
        document = row._mapping[LEVELS[level]]
        if document is None:
            value = request.path_params[SLUG_PARAMS[level]]
            raise NotFound.for_field(LEVELS[level], "slug", value)
        found.append(Container.from_document(_decoded(document)))
    return Scope(*found)


def _decoded(document: Any) -> Any:
    """A JSON column that is not the statement's only one arrives as text on MariaDB and
    SQLite (decoded already on PostgreSQL)."""
    return orjson.loads(document) if isinstance(document, str | bytes) else document


async def _start(request: Request, session: AsyncSession, *, signed: bool, depth: int) -> Started:
    caller = None
    if not signed:
        row, refused = await _run(request, session, depth, None)
    else:
        token, key = await auth.token_and_key(request, session)
        consumer = None if key == auth.MASTER_KEY else key
        row, refused = await _run(request, session, depth, consumer)
        found = row._mapping["caller"] if consumer is not None and row is not None else None
        caller = await auth.check_signed(request, session, token, key, _decoded(found))
    scope = _scope(row, request, depth)
    if refused is not None:
        raise refused
    return Started(caller=caller, scope=scope, row=row)


async def signed_start(request: Request, session: SessionDep) -> Started:
    """The start of a signed request under a container."""
    return await _start(request, session, signed=True, depth=scope_depth(request.path_params))


async def signed_outside(request: Request, session: SessionDep) -> Started:
    """The start of a signed request whose route finds its container itself (`/systems`,
    `/consumers`): the caller, and the route's reading."""
    return await _start(request, session, signed=True, depth=-1)


async def public_start(request: Request, session: SessionDep) -> Started:
    """The start of a public request: no token; the containers its URL names, if any, and
    the route's reading."""
    path = request.path_params
    depth = scope_depth(path) if "system_slug" in path else -1
    return await _start(request, session, signed=False, depth=depth)


StartedDep = Annotated[Started, Depends(signed_start)]
PublicStartedDep = Annotated[Started, Depends(public_start)]
OutsideStartedDep = Annotated[Started, Depends(signed_outside)]
# The dependencies that verify a request's token (the OpenAPI document marks their routes).
SIGNED_STARTS = frozenset({signed_start, signed_outside})


async def current_scope(started: StartedDep) -> Scope:
    """The container a signed request works in (its start statement resolved it)."""
    assert started.scope is not None
    return started.scope


async def public_scope(started: PublicStartedDep) -> Scope:
    """The container a public request shows."""
    assert started.scope is not None
    return started.scope


async def current_caller(started: OutsideStartedDep) -> auth.Caller:
    assert started.caller is not None
    return started.caller


async def require_master(caller: Annotated[auth.Caller, Depends(current_caller)]) -> auth.Caller:
    """Only the master key may go on (consumer key management, say)."""
    if not caller.is_master:
        raise NotAuthorized("Only the master key may do this")
    return caller


CurrentScope = Annotated[Scope, Depends(current_scope)]
PublicScope = Annotated[Scope, Depends(public_scope)]
