"""`GET /` and `GET /healthcheck`: open to anyone, and honest about the database."""

from __future__ import annotations

import re
from importlib.metadata import version

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from badgekit_api.http.edge import EdgeFastAPI
from badgekit_api.main import create_app
from tests.live_server import free_port
from tests.support import BASE_URL, TEST_SECRET, make_client

PLAIN_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


@pytest.mark.parametrize("path", ["/", "/healthcheck"])
async def test_health_answers_the_app_name_and_a_plain_version(
    anon: httpx.AsyncClient, path: str
) -> None:
    response = await anon.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body == {"app": "BadgeKit API", "version": body["version"]}
    # The Python client compares it with distutils' StrictVersion: X.Y.Z and nothing else.
    assert PLAIN_VERSION.match(body["version"])
    assert body["version"] == version("badgekit-api")


@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_the_answer_made_once_for_get_slash_is_the_routes_own(
    app: FastAPI, anon: httpx.AsyncClient, method: str
) -> None:
    """`GET /` is answered before routing, from bytes made once (`http/edge.py`): what the
    route itself answers when the request is routed, but for the edge's own headers."""
    assert isinstance(app, EdgeFastAPI)
    served = await anon.request(method, "/")
    transport = httpx.ASGITransport(app=app.routed)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as past_the_edge:
        routed = await past_the_edge.request(method, "/")
    assert served.status_code == routed.status_code == 200
    assert served.content == routed.content
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["x-request-id"]
    edge_headers = {"x-request-id", "x-content-type-options"}
    assert [h for h in served.headers.raw if h[0].decode() not in edge_headers] == list(
        routed.headers.raw
    )


@pytest.mark.parametrize(
    "template",
    [
        "postgresql+asyncpg://postgres@127.0.0.1:{port}/nowhere",
        "mysql+asyncmy://root@127.0.0.1:{port}/nowhere",
        "sqlite+aiosqlite:///{tmp}/no/such/directory/nowhere.db",
    ],
    ids=["postgresql", "mysql", "sqlite"],
)
async def test_healthcheck_is_a_503_when_the_database_is_unreachable(
    tmp_dir: str, template: str
) -> None:
    url = template.format(port=free_port(), tmp=tmp_dir)  # a port nothing listens on
    app = create_app(Settings(database_url=url, master_secret=TEST_SECRET))
    try:
        async with make_client(app, key=None) as anon:
            response = await anon.get("/healthcheck")
            ping = await anon.get("/")
    finally:
        await app.state.engine.dispose()
    assert response.status_code == 503
    body = response.json()
    assert body == {
        "app": "BadgeKit API",
        "version": body["version"],
        "code": "ServiceUnavailable",
        "message": "Database is unavailable",
    }
    assert PLAIN_VERSION.match(body["version"])
    assert "nowhere" not in response.text
    # `/` only says the process is up.
    assert ping.status_code == 200
