"""`GET /` and `GET /healthcheck`: open to anyone, and honest about the database."""

from __future__ import annotations

import re
from importlib.metadata import version

import httpx
import pytest

from badgekit_api.config import Settings
from badgekit_api.main import create_app
from tests.live_server import free_port
from tests.support import TEST_SECRET, make_client

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
