"""`/openapi.json`: FastAPI's document, completed from what the routes depend on.

Routers stay unaware of it: request bodies come from their `Body(Model)` dependency, the
security requirement from `verify_request` in their dependency tree, and the error answers
from both and from their path parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from starlette.routing import BaseRoute

from badgekit_api.config import Settings
from badgekit_api.http.openapi import errors, parameters, security
from badgekit_api.http.openapi.bodies import body_schemas
from badgekit_api.http.openapi.refs import referenced
from badgekit_api.http.openapi.routes import RouteTraits, api_routes, traits_of
from badgekit_api.list_limits import declare_max_items

# FastAPI's schemas for its 422 answer, which this API never sends.
UNUSED_FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")


def install_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` (and `/openapi.json`) serve the completed document."""
    generate: Callable[[], dict[str, Any]] = app.openapi
    completed: dict[str, Any] | None = None

    def openapi() -> dict[str, Any]:
        nonlocal completed
        # FastAPI regenerates its document when routes are added, and else returns ours.
        document = generate()
        if document is not completed:
            completed = app.openapi_schema = complete(document, app.routes, app.state.settings)
        return completed

    app.openapi = openapi  # type: ignore[method-assign]


def _operations(
    document: dict[str, Any], routes: list[BaseRoute]
) -> Iterator[tuple[str, dict[str, Any], RouteTraits]]:
    for route in api_routes(routes):
        traits = traits_of(route)
        for method in sorted(route.methods or ()):
            yield method.lower(), document["paths"][route.path_format][method.lower()], traits


def _declare_path_parameters(operation: dict[str, Any], names: tuple[str, ...]) -> None:
    """Declare the path parameters only a scope dependency reads (OpenAPI requires them all)."""
    parameters: list[dict[str, Any]] = operation.get("parameters", [])
    declared = {(item["in"], item["name"]) for item in parameters}
    missing = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": _describe(name),
        }
        for name in names
        if ("path", name) not in declared
    ]
    if missing:
        operation["parameters"] = missing + parameters


def _describe(name: str) -> str:
    owner, _, what = name.rpartition("_")
    return f"The {owner}'s {what}" if owner else f"The {name}"


def complete(
    document: dict[str, Any], routes: list[BaseRoute], settings: Settings
) -> dict[str, Any]:
    """Add request bodies, error answers and security to FastAPI's document; list limits
    that settings give are shown with this server's values, and query parameters read as
    strings with their true type."""
    operations = list(_operations(document, routes))
    query = parameters.query_schemas(settings.max_page_count)
    components: dict[str, Any] = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    bodies = body_schemas(
        (traits.body_model for _, _, traits in operations if traits.body_model is not None),
        taken=schemas,
    )
    for method, operation, traits in operations:
        if traits.body_model is not None:
            # A route's `openapi_extra` may add other media types (the CSV form of a bulk
            # award): kept beside the model's own.
            extra = operation.get("requestBody", {}).get("content", {})
            body = bodies.request_body(traits.body_model)
            operation["requestBody"] = {**body, "content": {**body["content"], **extra}}
        _declare_path_parameters(operation, traits.path_params)
        parameters.type_query_parameters(operation, query)
        errors.add_error_responses(operation, traits, method)
        if traits.signed:
            operation["security"] = security.REQUIREMENT
    declare_max_items(bodies.components, settings)
    schemas.update(bodies.components)
    schemas.update(errors.SCHEMAS)
    for name in UNUSED_FASTAPI_SCHEMAS:  # in this order: the first refers to the second
        others = {key: schema for key, schema in schemas.items() if key != name}
        if name not in referenced([document["paths"], others]):
            schemas.pop(name, None)
    components["schemas"] = dict(sorted(schemas.items()))
    components["securitySchemes"] = security.SECURITY_SCHEMES
    return document
