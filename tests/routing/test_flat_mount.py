"""routing.flat.mount re-declares each route in another router: every argument that declared
the route must survive, including those a FastAPI release adds later."""

from __future__ import annotations

import inspect
from typing import Any

import httpx
from fastapi import APIRouter, Body, FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute

from badgekit_api.http.routing.flat import copied_arguments, mount

# A value unlike the default for each argument a test can set.
DECLARED: dict[str, Any] = {
    "status_code": 202,
    "tags": ["flat"],
    "summary": "A summary",
    "description": "A description",
    "response_description": "What comes back",
    "responses": {418: {"description": "A teapot"}},
    "deprecated": True,
    "operation_id": "flat_echo",
    "response_model_by_alias": False,
    "response_model_exclude_unset": True,
    "response_model_exclude_defaults": True,
    "response_model_exclude_none": True,
    "include_in_schema": False,
    "response_class": PlainTextResponse,
    "name": "flat-echo",
    "openapi_extra": {"x-flat": True},
    "strict_content_type": False,
    "max_body_size": 64,
    "form_limits": {"max_fields": 3},
}


async def _echo(text: str = Body(default="")) -> str:
    return text


def _mounted() -> tuple[APIRoute, APIRoute, FastAPI]:
    source = APIRouter()
    source.add_api_route("/echo", _echo, methods=["POST"], **DECLARED)
    app = FastAPI()
    mount(app.router, source, prefix="/flat")
    (original,) = source.routes
    mounted = next(route for route in app.routes if getattr(route, "path", "") == "/flat/echo")
    assert isinstance(original, APIRoute) and isinstance(mounted, APIRoute)
    return original, mounted, app


def test_every_argument_of_add_api_route_is_copied_or_set_by_mount() -> None:
    parameters = set(inspect.signature(APIRouter.add_api_route).parameters)
    set_by_mount = {"self", "path", "endpoint", "dependencies", "methods", "route_class_override"}
    assert set(copied_arguments()) == parameters - set_by_mount


def test_each_copied_argument_survives_the_mount() -> None:
    original, mounted, _ = _mounted()
    for name in copied_arguments():
        assert getattr(mounted, name) == getattr(original, name), name
    for name, value in DECLARED.items():
        if name not in ("form_limits", "response_class"):
            assert getattr(mounted, name) == value, name


async def test_a_per_route_body_limit_still_refuses_a_larger_body() -> None:
    _, _, app = _mounted()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        small = await http.post(
            "/flat/echo", content=b'"hi"', headers={"Content-Type": "application/json"}
        )
        large = await http.post(
            "/flat/echo",
            content=b'"' + b"x" * 200 + b'"',
            headers={"Content-Type": "application/json"},
        )

    assert small.status_code == 202
    assert small.text == "hi"
    assert large.status_code == 413
