"""The route index picks, for every request, the route a full scan of the router would.

The index is only a shortcut: if it ever chose another route than Starlette's scan, a
request would run the wrong handler. Every route of the real app is tried with a sample
path (and with the other methods, and with paths that no route has).
"""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute, Match

from badgekit_api.config import Settings
from badgekit_api.http.routing.flat import mount
from badgekit_api.http.routing.index import RouteIndex, index_routes, route_shape
from badgekit_api.main import create_app

PARAMETER = re.compile(r"{([^}:]+)(?::[^}]*)?}")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def scope_for(method: str, path: str) -> dict[str, object]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def full_scan(routes: list[BaseRoute], scope: dict[str, object]) -> BaseRoute | None:
    """The route Starlette's own router runs for a request that some route fully matches."""
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    return None


def indexed(index: RouteIndex, scope: dict[str, object]) -> BaseRoute | None:
    for route in index.candidates(str(scope["path"]).split("/")[1:]):
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    return None


def sample_paths(path: str) -> list[str]:
    """The route's path with its parameters filled in, including values that are also
    literal segments of other routes (`badges`, `codes`, ...)."""
    return [PARAMETER.sub(value, path) for value in ("x-1", "badges", "codes", "claim")]


@pytest.fixture(scope="module")
def badgekit_app() -> FastAPI:
    return create_app(Settings(database_url="sqlite+aiosqlite:///:memory:", master_secret="s"))


def test_the_app_routes_through_the_index(badgekit_app: FastAPI) -> None:
    assert isinstance(badgekit_app.router.middleware_stack, RouteIndex)


def test_every_request_gets_the_route_a_full_scan_would_give(badgekit_app: FastAPI) -> None:
    index = badgekit_app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    routes = list(badgekit_app.router.routes)
    paths = {path for route in routes for path in sample_paths(getattr(route, "path", "/"))}
    paths |= {"/", "/nope", "/systems", "/systems/", "/systems/a/b/c/d/e/f/g", "//", ""}
    tried = 0
    for path in sorted(paths):
        for method in METHODS:
            scope = scope_for(method, path or "/")
            assert indexed(index, scope) is full_scan(routes, scope), (method, path)
            tried += 1
    assert tried > 1000


def test_route_shapes() -> None:
    assert route_shape("/") == [""]
    parameter = route_shape("/{x}")
    assert parameter is not None
    assert route_shape("/systems/{system_slug}/badges") == ["systems", *parameter, "badges"]
    assert route_shape("/files/{rest:path}") is None
    assert route_shape("/assertions/{uid}.png") is None


async def test_routes_the_index_cannot_shape_are_still_found_in_order() -> None:
    app = FastAPI()
    router = APIRouter()

    @router.get("/files/{rest:path}")
    async def files(rest: str) -> dict[str, str]:
        return {"route": "files", "rest": rest}

    @router.get("/files/{name}")
    async def one_file(name: str) -> dict[str, str]:
        return {"route": "one", "name": name}

    @router.get("/images/{name}.png")
    async def image(name: str) -> dict[str, str]:
        return {"route": "image", "name": name}

    mount(app.router, router)
    index_routes(app.router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        # The `:path` route comes first, so it wins over the one-segment route, as a scan.
        assert (await client.get("/files/a")).json() == {"route": "files", "rest": "a"}
        assert (await client.get("/files/a/b")).json() == {"route": "files", "rest": "a/b"}
        assert (await client.get("/images/logo.png")).json() == {"route": "image", "name": "logo"}
        assert (await client.get("/nothing")).status_code == 404
        assert (await client.post("/images/logo.png")).status_code == 405
