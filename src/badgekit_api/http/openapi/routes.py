"""What the OpenAPI document needs to know about a route, read from its dependency tree."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import routing
from fastapi.dependencies.models import Dependant
from pydantic import BaseModel
from starlette.routing import BaseRoute

from badgekit_api.http.body import BodyDependency
from badgekit_api.scopes.start import SIGNED_STARTS

_PATH_PARAMETER = re.compile(r"{([^}:]+)(?::[^}]*)?}")


@dataclass(frozen=True, slots=True)
class RouteTraits:
    """The facts about one route that decide its request body, errors and security."""

    signed: bool
    body_model: type[BaseModel] | None
    path_params: tuple[str, ...]


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[Any]:
    """Every route in the schema, as FastAPI sees it once included (with the dependencies of
    the routers it was included through)."""
    # FastAPI 0.16x includes routers lazily; before that `app.routes` is already flat.
    contexts: Iterator[Any] = getattr(routing, "iter_route_contexts", iter)(routes)
    for context in contexts:
        original = getattr(context, "original_route", context)
        if isinstance(original, routing.APIRoute) and context.include_in_schema:
            yield context


def _dependants(root: Dependant) -> Iterator[Dependant]:
    yield root
    for child in root.dependencies:
        yield from _dependants(child)


def traits_of(route: Any) -> RouteTraits:
    dependants = list(_dependants(route.dependant))
    calls = [dependant.call for dependant in dependants]
    body_models = {call.model for call in calls if isinstance(call, BodyDependency)}
    if len(body_models) > 1:
        raise ValueError(f"{route.path_format} reads its body into more than one model")
    return RouteTraits(
        signed=any(call in SIGNED_STARTS for call in calls),
        body_model=next(iter(body_models), None),
        # Scope dependencies read their slugs from the matched path, not as parameters.
        path_params=tuple(_PATH_PARAMETER.findall(route.path_format)),
    )
