"""Token policy: `exp` required or not, the longest lifetime, and replay protection.

Every refusal is a 403 `NotAuthorized` whose message names the problem, and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from badgekit_api.config import Settings
from badgekit_api.models import SeenToken
from badgekit_api.security.replay import DatabaseSeenTokens, RedisSeenTokens
from tests.factories.badges import LEVEL_PREFIXES, badge_body
from tests.factories.consumers import create_consumer
from tests.factories.containers import create_system, create_tree
from tests.live_server import running_server
from tests.security.support import (
    REDIS_URL,
    FakeClock,
    app_with,
    assert_error,
    client_of,
    fresh_claims,
    redis_db,
    token_header,
)

NEW_SYSTEM = json.dumps(
    {"slug": "newcity", "name": "New City", "url": "https://newcity.example.org"}
).encode()
JSON = {"content-type": "application/json"}


async def system_slugs(client: httpx.AsyncClient) -> list[str]:
    return [system["slug"] for system in (await client.get("/systems")).json()["systems"]]


def refused_because(response: httpx.Response, words: str) -> None:
    body = assert_error(response, 403, "NotAuthorized")
    assert words in body["message"], body


# exp: optional by default, as in the original; REQUIRE_EXP makes it mandatory.


async def test_by_default_a_token_without_exp_is_accepted(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/systems", headers=token_header("GET", "/systems"))
    assert response.status_code == 200


async def test_an_expired_token_is_refused(anon: httpx.AsyncClient) -> None:
    headers = token_header("GET", "/systems", exp=int(time.time()) - 5)
    refused_because(await anon.get("/systems", headers=headers), "expired")


@pytest.fixture
async def exp_required(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with app_with(settings, require_exp=True) as app, client_of(app) as client:
        yield client


async def test_with_require_exp_a_token_without_exp_is_refused(
    exp_required: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    response = await exp_required.post(
        "/systems",
        content=NEW_SYSTEM,
        headers={**JSON, **token_header("POST", "/systems", NEW_SYSTEM)},
    )
    refused_because(response, "`exp`")
    assert await system_slugs(client) == []


async def test_with_require_exp_a_token_with_exp_is_accepted(
    exp_required: httpx.AsyncClient,
) -> None:
    headers = token_header("POST", "/systems", NEW_SYSTEM, exp=int(time.time()) + 30)
    response = await exp_required.post("/systems", content=NEW_SYSTEM, headers={**JSON, **headers})
    assert response.status_code == 201, response.text


# MAX_TOKEN_LIFETIME_SECONDS (3600 by default).


async def test_a_token_whose_exp_is_too_far_away_is_refused(
    anon: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    headers = token_header("POST", "/systems", NEW_SYSTEM, exp=int(time.time()) + 7200)
    response = await anon.post("/systems", content=NEW_SYSTEM, headers={**JSON, **headers})
    refused_because(response, "3600 seconds")
    assert await system_slugs(client) == []


async def test_a_token_whose_iat_to_exp_span_is_too_long_is_refused(
    anon: httpx.AsyncClient,
) -> None:
    now = int(time.time())
    headers = token_header("GET", "/systems", iat=now - 3000, exp=now + 1000)
    refused_because(await anon.get("/systems", headers=headers), "`iat` to `exp`")


async def test_a_token_within_the_lifetime_is_accepted(anon: httpx.AsyncClient) -> None:
    now = int(time.time())
    headers = token_header("GET", "/systems", iat=now - 10, exp=now + 3500)
    assert (await anon.get("/systems", headers=headers)).status_code == 200


async def test_a_zero_max_lifetime_allows_any_exp(settings: Settings) -> None:
    headers = token_header("GET", "/systems", exp=int(time.time()) + 30 * 86400)
    async with app_with(settings, max_token_lifetime_seconds=0) as app, client_of(app) as anon:
        assert (await anon.get("/systems", headers=headers)).status_code == 200


async def test_an_exp_that_is_not_a_number_is_refused(anon: httpx.AsyncClient) -> None:
    headers = token_header("GET", "/systems", exp="tomorrow")
    assert_error(await anon.get("/systems", headers=headers), 403, "NotAuthorized")


# Replay protection, kept in the database or in Redis.


@pytest.fixture(params=["database", "redis"])
async def replay_app(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[FastAPI]:
    if request.param == "redis":
        async with (
            redis_db(),
            app_with(settings, replay_protection=True, redis_url=REDIS_URL) as app,
        ):
            yield app
    else:
        async with app_with(settings, replay_protection=True) as app:
            yield app


async def test_a_replayed_token_is_refused_and_changes_nothing(
    replay_app: FastAPI, client: httpx.AsyncClient
) -> None:
    headers = {**JSON, **token_header("POST", "/systems", NEW_SYSTEM, **fresh_claims())}
    async with client_of(replay_app) as anon:
        first = await anon.post("/systems", content=NEW_SYSTEM, headers=headers)
        assert first.status_code == 201, first.text
        await client.delete("/systems/newcity")
        again = await anon.post("/systems", content=NEW_SYSTEM, headers=headers)
    refused_because(again, "used before")
    assert await system_slugs(client) == []


async def test_each_new_jti_is_accepted(replay_app: FastAPI) -> None:
    async with client_of(replay_app) as anon:
        for _ in range(3):
            headers = token_header("GET", "/systems", **fresh_claims())
            assert (await anon.get("/systems", headers=headers)).status_code == 200


async def test_under_replay_protection_routes_under_containers_work(
    replay_app: FastAPI, client: httpx.AsyncClient
) -> None:
    """The check of a token id gives the request's connection back first (a rollback): the
    request goes on with what it reads after it, never with objects the rollback expired."""
    await create_tree(client)
    program = LEVEL_PREFIXES["program"]
    body = json.dumps(badge_body(slug="replayed")).encode()
    async with client_of(replay_app) as anon:
        headers = {**JSON, **token_header("POST", f"{program}/badges", body, **fresh_claims())}
        created = await anon.post(f"{program}/badges", content=body, headers=headers)
        assert created.status_code == 201, created.text
        path = f"{program}/badges/replayed"
        shown = await anon.get(path, headers=token_header("GET", path, **fresh_claims()))
    assert shown.status_code == 200, shown.text
    badge = shown.json()["badge"]
    assert (badge["system"]["slug"], badge["issuer"]["slug"], badge["program"]["slug"]) == (
        "chicago",
        "library",
        "readers",
    )


@pytest.mark.parametrize(
    ("claims", "words"),
    [
        ({"exp": None, "jti": "abc"}, "`exp`"),
        ({"jti": None}, "`jti`"),
        ({"jti": ""}, "`jti`"),
        ({"jti": 12345}, "JWT ID"),
        ({"jti": "x" * 129}, "`jti`"),
    ],
    ids=["no exp", "no jti", "empty jti", "number jti", "long jti"],
)
async def test_with_replay_protection_exp_and_jti_are_required(
    replay_app: FastAPI, claims: dict[str, object], words: str
) -> None:
    headers = token_header("GET", "/systems", **{"exp": int(time.time()) + 60, **claims})
    async with client_of(replay_app) as anon:
        refused_because(await anon.get("/systems", headers=headers), words)


async def test_a_token_refused_for_another_reason_does_not_use_up_its_jti(
    replay_app: FastAPI,
) -> None:
    claims = fresh_claims()
    async with client_of(replay_app) as anon:
        wrong_path = token_header("GET", "/systems/elsewhere", **claims)
        assert_error(await anon.get("/systems", headers=wrong_path), 403, "NotAuthorized")
        good = token_header("GET", "/systems", **claims)
        assert (await anon.get("/systems", headers=good)).status_code == 200


async def test_the_same_jti_under_two_keys_is_two_tokens(
    replay_app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    key, secret = await create_consumer(replay_app, "chicago")
    claims = fresh_claims()
    async with client_of(replay_app) as anon:
        master = token_header("GET", "/systems/chicago", **claims)
        consumer = token_header("GET", "/systems/chicago", key=key, secret=secret, **claims)
        assert (await anon.get("/systems/chicago", headers=master)).status_code == 200
        assert (await anon.get("/systems/chicago", headers=consumer)).status_code == 200


async def test_the_database_forgets_a_jti_once_its_token_expired(app: FastAPI) -> None:
    clock = FakeClock(1_800_000_000)
    seen = DatabaseSeenTokens(app.state.session_factory, clock=clock, purge_chance=0)
    expires = clock.now + 60
    assert await seen.first_use("master", "once", expires)
    clock.advance(30)
    assert not await seen.first_use("master", "once", expires)
    clock.advance(31)  # the row is still there, but its token has expired: a new one may reuse
    assert await seen.first_use("master", "once", clock.now + 60)
    assert not await seen.first_use("master", "once", clock.now + 60)


async def test_expired_jtis_are_purged(app: FastAPI) -> None:
    clock = FakeClock(1_800_000_000)
    keep = DatabaseSeenTokens(app.state.session_factory, clock=clock, purge_chance=0)
    purge = DatabaseSeenTokens(app.state.session_factory, clock=clock, purge_chance=1)
    assert await keep.first_use("master", "old", clock.now + 10)
    assert await keep.first_use("master", "live", clock.now + 100)
    clock.advance(50)
    assert await purge.first_use("master", "new", clock.now + 10)
    async with app.state.session_factory() as session:
        assert sorted(await session.scalars(select(SeenToken.jti))) == ["live", "new"]


async def test_redis_forgets_a_jti_when_its_token_expires() -> None:
    async with redis_db() as redis:
        clock = FakeClock(time.time())
        seen = RedisSeenTokens(redis, clock=clock)
        assert await seen.first_use("master", "brief", clock.now + 0.2)
        assert not await seen.first_use("master", "brief", clock.now + 0.2)
        await asyncio.sleep(0.3)
        assert await seen.first_use("master", "brief", clock.now + 60)


# The race: many connections to real server processes send one token at the same moment.

SIMULTANEOUS = 24


@pytest.mark.e2e
@pytest.mark.parametrize("store", ["database", "redis"])
async def test_a_token_sent_many_times_at_once_is_accepted_exactly_once(
    app: FastAPI,  # noqa: ARG001 - the schema must exist before the server starts
    settings: Settings,
    store: str,
) -> None:
    env = {"REPLAY_PROTECTION": "true"}
    async with redis_db() if store == "redis" else contextlib.nullcontext():
        if store == "redis":
            env["REDIS_URL"] = REDIS_URL
        server = running_server(settings.database_url, workers=2, extra_env=env)
        base_url = await asyncio.to_thread(server.__enter__)
        try:
            limits = httpx.Limits(max_connections=SIMULTANEOUS, max_keepalive_connections=0)
            async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as http:
                # Warm up each worker's connections with tokens of their own.
                warm = [
                    http.get("/systems", headers=token_header("GET", "/systems", **fresh_claims()))
                    for _ in range(SIMULTANEOUS)
                ]
                assert {r.status_code for r in await asyncio.gather(*warm)} == {200}
                headers = token_header("GET", "/systems", **fresh_claims())
                responses = await asyncio.gather(
                    *(http.get("/systems", headers=headers) for _ in range(SIMULTANEOUS))
                )
        finally:
            await asyncio.to_thread(server.__exit__, None, None, None)
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [403] * (SIMULTANEOUS - 1), statuses
    for response in responses:
        if response.status_code == 403:
            assert "used before" in response.json()["message"]
