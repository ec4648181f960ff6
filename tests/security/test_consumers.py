"""`/consumers`: create, list, rotate and revoke per-system keys, with the master key only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from badgekit_api.models import Consumer
from badgekit_api.models.base import utcnow
from tests.factories.containers import create_system
from tests.security.support import assert_error
from tests.support import make_client

TIMESTAMP = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"


@pytest.fixture(autouse=True)
async def systems(client: httpx.AsyncClient) -> None:
    await create_system(client, "chicago")
    await create_system(client, "pittsburgh")


async def create(client: httpx.AsyncClient, system: str = "chicago") -> dict[str, Any]:
    response = await client.post("/consumers", json={"system": system})
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "created"
    consumer: dict[str, Any] = response.json()["consumer"]
    assert response.headers["location"] == f"/consumers/{consumer['key']}"
    return consumer


async def status_with(app: FastAPI, key: str, secret: str, path: str = "/systems/chicago") -> int:
    async with make_client(app, key=key, secret=secret) as consumer:
        return (await consumer.get(path)).status_code


async def test_a_created_key_shows_its_secret_once_and_works(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    created = await create(client)
    assert set(created) == {
        "key",
        "system",
        "created",
        "rotated",
        "previousSecretExpires",
        "revoked",
        "secret",
    }
    assert created["system"] == "chicago"
    assert created["rotated"] is None and created["revoked"] is None
    assert len(created["secret"]) >= 32
    assert await status_with(app, created["key"], created["secret"]) == 200
    assert await status_with(app, created["key"], created["secret"], "/systems/pittsburgh") == 403


async def test_secrets_never_appear_in_lists_or_gets(client: httpx.AsyncClient) -> None:
    first = await create(client, "chicago")
    second = await create(client, "pittsburgh")
    rotated = (await client.post(f"/consumers/{first['key']}/rotate")).json()["consumer"]
    responses = [
        await client.get("/consumers"),
        await client.get("/consumers?system=chicago"),
        await client.get("/consumers?page=1&count=1"),
        await client.get(f"/consumers/{first['key']}"),
    ]
    for response in responses:
        assert response.status_code == 200
        for secret in (first["secret"], second["secret"], rotated["secret"]):
            assert secret not in response.text
        assert "secret" not in response.text.replace("previousSecretExpires", "")
    listing = responses[0].json()["consumers"]
    assert [(item["key"], item["system"]) for item in listing] == [
        (first["key"], "chicago"),
        (second["key"], "pittsburgh"),
    ]
    assert [item["key"] for item in responses[1].json()["consumers"]] == [first["key"]]
    assert responses[2].json()["pageData"] == {"page": 1, "count": 1, "total": 2}
    assert responses[3].json()["consumer"]["rotated"] is not None


async def test_a_key_for_an_unknown_system_is_a_404(client: httpx.AsyncClient) -> None:
    assert_error(
        await client.post("/consumers", json={"system": "nowhere"}), 404, "ResourceNotFound"
    )
    assert_error(await client.post("/consumers", json={}), 400, "ValidationError")
    assert (await client.get("/consumers")).json() == {"consumers": []}


async def test_unknown_keys_are_404s(client: httpx.AsyncClient) -> None:
    for response in (
        await client.get("/consumers/nobody"),
        await client.post("/consumers/nobody/rotate"),
        await client.delete("/consumers/nobody"),
    ):
        assert_error(response, 404, "ResourceNotFound")


async def test_a_consumer_key_cannot_manage_keys(app: FastAPI, client: httpx.AsyncClient) -> None:
    mine = await create(client)
    other = await create(client, "pittsburgh")
    async with make_client(app, key=mine["key"], secret=mine["secret"]) as consumer:
        refused = [
            await consumer.get("/consumers"),
            await consumer.post("/consumers", json={"system": "chicago"}),
            await consumer.get(f"/consumers/{mine['key']}"),
            await consumer.post(f"/consumers/{mine['key']}/rotate"),
            await consumer.post(f"/consumers/{other['key']}/rotate"),
            await consumer.delete(f"/consumers/{other['key']}"),
        ]
    for response in refused:
        assert_error(response, 403, "NotAuthorized")
    assert len((await client.get("/consumers")).json()["consumers"]) == 2
    assert await status_with(app, mine["key"], mine["secret"]) == 200
    assert await status_with(app, other["key"], other["secret"], "/systems/pittsburgh") == 200


async def test_after_a_rotation_both_secrets_work_during_the_overlap(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    old = await create(client)
    response = await client.post(f"/consumers/{old['key']}/rotate")
    assert response.status_code == 200, response.text
    rotated = response.json()
    assert rotated["status"] == "updated"
    new = rotated["consumer"]
    assert new["key"] == old["key"] and new["secret"] != old["secret"]
    assert new["rotated"] is not None and new["previousSecretExpires"] is not None
    assert await status_with(app, old["key"], new["secret"]) == 200
    assert await status_with(app, old["key"], old["secret"]) == 200


async def test_after_the_overlap_only_the_new_secret_works(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    old = await create(client)
    new = (await client.post(f"/consumers/{old['key']}/rotate")).json()["consumer"]
    async with app.state.session_factory() as session, session.begin():
        await session.execute(
            update(Consumer)
            .where(Consumer.key == old["key"])
            .values(previous_secret_expires_at=utcnow() - timedelta(seconds=1))
        )
    assert await status_with(app, old["key"], old["secret"]) == 403
    assert await status_with(app, old["key"], new["secret"]) == 200


async def test_a_second_rotation_retires_the_first_secret(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    first = await create(client)
    second = (await client.post(f"/consumers/{first['key']}/rotate")).json()["consumer"]
    third = (await client.post(f"/consumers/{first['key']}/rotate")).json()["consumer"]
    assert await status_with(app, first["key"], first["secret"]) == 403
    assert await status_with(app, first["key"], second["secret"]) == 200
    assert await status_with(app, first["key"], third["secret"]) == 200


async def test_with_no_overlap_the_old_secret_stops_at_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    old = await create(client)
    app.state.settings.consumer_rotation_overlap_seconds = 0
    try:
        new = (await client.post(f"/consumers/{old['key']}/rotate")).json()["consumer"]
    finally:
        app.state.settings.consumer_rotation_overlap_seconds = 3600
    assert new["previousSecretExpires"] is None
    assert await status_with(app, old["key"], old["secret"]) == 403
    assert await status_with(app, old["key"], new["secret"]) == 200


async def test_a_revoked_key_is_refused_with_every_secret(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    old = await create(client)
    new = (await client.post(f"/consumers/{old['key']}/rotate")).json()["consumer"]
    response = await client.delete(f"/consumers/{old['key']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "revoked"
    assert "secret" not in body["consumer"]
    assert body["consumer"]["revoked"] is not None
    assert body["consumer"]["previousSecretExpires"] is None
    for secret in (old["secret"], new["secret"]):
        assert await status_with(app, old["key"], secret) == 403
    shown = (await client.get(f"/consumers/{old['key']}")).json()["consumer"]
    assert shown["revoked"] == body["consumer"]["revoked"]


async def test_a_revoked_key_cannot_be_rotated_or_revoked_again(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    consumer = await create(client)
    await client.delete(f"/consumers/{consumer['key']}")
    assert_error(await client.post(f"/consumers/{consumer['key']}/rotate"), 409, "ResourceConflict")
    assert_error(await client.delete(f"/consumers/{consumer['key']}"), 409, "ResourceConflict")
    assert await status_with(app, consumer["key"], consumer["secret"]) == 403
    # ... and the OpenAPI document says both can answer so (issue 15 defect 11).
    paths = app.openapi()["paths"]
    assert "409" in paths["/consumers/{key}/rotate"]["post"]["responses"]
    assert "409" in paths["/consumers/{key}"]["delete"]["responses"]
