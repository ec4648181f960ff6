"""Mount a router's routes into another, flat: one real route per path, not a nested include.

FastAPI 0.16x keeps an included router as a lazily resolved branch, and walks every branch
(recomputing a version of the whole tree at each one) on every request: with the BadgeKit
tree of three nesting levels that walk cost more than a whole health check. Copying each
route into the app's own router, as FastAPI itself did before, keeps routing a plain list
that `RouteIndex` can index.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, params
from fastapi.routing import APIRoute


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
            response_model=route.response_model,
            status_code=route.status_code,
            tags=list(route.tags),
            dependencies=[*dependencies, *route.dependencies],
            summary=route.summary,
            description=route.description,
            response_description=route.response_description,
            responses=dict(route.responses),
            deprecated=route.deprecated,
            methods=sorted(route.methods or ()),
            operation_id=route.operation_id,
            response_model_include=route.response_model_include,
            response_model_exclude=route.response_model_exclude,
            response_model_by_alias=route.response_model_by_alias,
            response_model_exclude_unset=route.response_model_exclude_unset,
            response_model_exclude_defaults=route.response_model_exclude_defaults,
            response_model_exclude_none=route.response_model_exclude_none,
            include_in_schema=route.include_in_schema,
            response_class=route.response_class,
            name=route.name,
            callbacks=route.callbacks,
            openapi_extra=route.openapi_extra,
            generate_unique_id_function=route.generate_unique_id_function,
            route_class_override=type(route),
        )
