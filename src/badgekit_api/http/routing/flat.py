"""Mount a router's routes into another, flat: one real route per path, not a nested include.

FastAPI 0.16x keeps an included router as a lazily resolved branch, and walks every branch
(recomputing a version of the whole tree at each one) on every request: with the BadgeKit
tree of three nesting levels that walk cost more than a whole health check. Copying each
route into the app's own router, as FastAPI itself did before, keeps routing a plain list
that `RouteIndex` can index.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from functools import cache
from typing import Any

from fastapi import APIRouter, params
from fastapi.routing import APIRoute

# Arguments of `add_api_route` that `mount` sets itself; every other one is copied from the
# route's attribute of the same name, so an argument a FastAPI release adds (a per-route
# body limit, form limits) is carried over without anyone listing it here. An argument
# with no such attribute fails at start-up instead of being dropped silently.
_SET_BY_MOUNT = frozenset(
    {"self", "path", "endpoint", "dependencies", "methods", "route_class_override"}
)


@cache
def copied_arguments() -> tuple[str, ...]:
    """The `add_api_route` arguments that `mount` copies from each route."""
    names = inspect.signature(APIRouter.add_api_route).parameters
    return tuple(name for name in names if name not in _SET_BY_MOUNT)


def route_arguments(route: APIRoute) -> dict[str, Any]:
    """What declared `route`, as keyword arguments for `add_api_route`."""
    arguments = {name: getattr(route, name) for name in copied_arguments()}
    # Fresh containers: the copies must not share lists that a later change would mutate.
    arguments["tags"] = list(route.tags)
    arguments["responses"] = dict(route.responses)
    return arguments


def mount(
    target: APIRouter,
    source: APIRouter,
    *,
    prefix: str = "",
    dependencies: Sequence[params.Depends] = (),
) -> None:
    """Add each route of `source` to `target` below `prefix`, `dependencies` running first.

    The routes of `source` already carry its own prefix, tags and dependencies (FastAPI
    merges them when a route is declared)."""
    for route in source.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"Only API routes can be mounted flat, not {route!r}")
        target.add_api_route(
            prefix + route.path,
            route.endpoint,
            dependencies=[*dependencies, *route.dependencies],
            methods=sorted(route.methods or ()),
            route_class_override=type(route),
            **route_arguments(route),
        )
