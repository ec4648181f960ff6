"""Brute-force limits: failed token checks per client, failed claims per client and per code.

Over a limit, a failing request gets 429 `TooManyRequests` with `Retry-After` instead of its
403 (or 404, 400) until the window ends, and changes nothing. A request whose token
verifies, and the claim of a real unclaimed code, are served whatever the counters say:
behind a proxy every client may share one address. Successes never count. The clock is
injected, not slept on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from badgekit_api.config import Settings
from badgekit_api.models import FailureCounter
from badgekit_api.security.ratelimit import (
    DatabaseCounters,
    FailureLimit,
    FailureLimiter,
    RedisCounters,
)
from tests.factories.badges import create_badge
from tests.factories.containers import create_system, create_tree
from tests.live_server import running_server
from tests.security.support import (
    FakeClock,
    app_with,
    assert_error,
    client_of,
    fresh_claims,
    redis_db,
    token_header,
)
from tests.support import TEST_SECRET

LIMIT = 3
START = 1_800_000_000.0  # a window boundary: windows are whole minutes of unix time
JSON = {"content-type": "application/json"}
NEW_SYSTEM = json.dumps({"slug": "new", "name": "New", "url": "https://new.example.org"}).encode()


@contextlib.asynccontextmanager
async def limited_app(
    settings: Settings, counters: str, **overrides: Any
) -> AsyncIterator[tuple[FastAPI, FakeClock]]:
    """An app allowing LIMIT failures a minute, its counters in the database or in Redis,
    on the injected clock."""
    clock = FakeClock(START)
    limits = {"auth_failures_per_minute": LIMIT, "claim_failures_per_minute": LIMIT}
    async with contextlib.AsyncExitStack() as stack:
        if counters == "redis":
            redis = await stack.enter_async_context(redis_db())
            app = await stack.enter_async_context(app_with(settings, **limits, **overrides))
            store: DatabaseCounters | RedisCounters = RedisCounters(redis)
        else:
            app = await stack.enter_async_context(app_with(settings, **limits, **overrides))
            store = DatabaseCounters(app.state.session_factory)
        app.state.shared.limiter = FailureLimiter(store, clock=clock)
        yield app, clock


COUNTERS = ["database", "redis"]


@pytest.fixture(params=COUNTERS)
async def limited(
    request: pytest.FixtureRequest, settings: Settings
) -> AsyncIterator[tuple[FastAPI, FakeClock]]:
    async with limited_app(settings, request.param) as limited:
        yield limited


def good(path: str = "/systems") -> dict[str, str]:
    return token_header("GET", path)


WRONG_SECRET = "not-the-master-secret-but-long-enough"


def bad(path: str = "/systems") -> dict[str, str]:
    return token_header("GET", path, secret=WRONG_SECRET)


def assert_too_many(response: httpx.Response, retry_after: int) -> None:
    body = assert_error(response, 429, "TooManyRequests")
    assert set(body) == {"code", "message"}
    assert response.headers["retry-after"] == str(retry_after)


# Failed token checks, per client address.


async def test_too_many_bad_tokens_from_one_client_get_429_until_the_window_ends(
    limited: tuple[FastAPI, FakeClock],
) -> None:
    app, clock = limited
    async with client_of(app, "10.0.0.1") as attacker:
        for _ in range(LIMIT):
            assert_error(await attacker.get("/systems", headers=bad()), 403, "NotAuthorized")
        clock.advance(20)
        assert_too_many(await attacker.get("/systems", headers=bad()), 40)
        clock.advance(39.5)
        assert_too_many(await attacker.get("/systems", headers=bad()), 1)
        clock.advance(0.5)  # the next window
        assert_error(await attacker.get("/systems", headers=bad()), 403, "NotAuthorized")


async def test_a_valid_request_is_served_after_100_bad_tokens_from_its_address(
    limited: tuple[FastAPI, FakeClock],
) -> None:
    """Behind a proxy every client shares one address: one that sends bad tokens must not
    shut the others (or the issuer's own site) out."""
    app, _clock = limited
    write = {**JSON, **token_header("POST", "/systems", NEW_SYSTEM)}
    async with client_of(app, "10.0.0.1") as shared_address:
        statuses = [
            (await shared_address.get("/systems", headers=bad())).status_code for _ in range(100)
        ]
        created = await shared_address.post("/systems", content=NEW_SYSTEM, headers=write)
        listed = await shared_address.get("/systems", headers=good())
        assert_too_many(await shared_address.get("/systems", headers=bad()), 60)
    assert statuses == [403] * LIMIT + [429] * (100 - LIMIT)
    assert created.status_code == 201, created.text
    assert listed.status_code == 200, listed.text
    assert [system["slug"] for system in listed.json()["systems"]] == ["new"]


async def test_a_failing_write_past_the_limit_is_a_429_and_changes_nothing(
    limited: tuple[FastAPI, FakeClock], client: httpx.AsyncClient
) -> None:
    app, _clock = limited
    wrong = token_header("POST", "/systems", NEW_SYSTEM, secret=WRONG_SECRET)
    headers = {**JSON, **wrong}
    async with client_of(app, "10.0.0.1") as attacker:
        for _ in range(LIMIT):
            await attacker.get("/systems")  # no header at all is a failure too
        assert_too_many(await attacker.post("/systems", content=NEW_SYSTEM, headers=headers), 60)
    assert (await client.get("/systems")).json() == {"systems": []}


@pytest.mark.parametrize("counters", COUNTERS)
async def test_a_replayed_token_past_the_limit_is_a_429_and_changes_nothing(
    settings: Settings, client: httpx.AsyncClient, counters: str
) -> None:
    """A correctly signed token whose `jti` was used is a failure like any other."""
    async with limited_app(settings, counters, replay_protection=True) as (app, _clock):
        headers = {**JSON, **token_header("POST", "/systems", NEW_SYSTEM, **fresh_claims())}
        async with client_of(app, "10.0.0.1") as caller:
            first = await caller.post("/systems", content=NEW_SYSTEM, headers=headers)
            assert first.status_code == 201, first.text
            await client.delete("/systems/new")
            for _ in range(LIMIT):
                replayed = await caller.post("/systems", content=NEW_SYSTEM, headers=headers)
                assert_error(replayed, 403, "NotAuthorized")
            assert_too_many(await caller.post("/systems", content=NEW_SYSTEM, headers=headers), 60)
            fresh = token_header("GET", "/systems", **fresh_claims())
            assert (await caller.get("/systems", headers=fresh)).json() == {"systems": []}


# Routes under a container: the limit holds there just the same, whether the containers
# exist or not, a refused token never tells which containers exist (403 or 429 before any
# 404), and a good token past the limit gets its real answer.
SCOPED_PATHS = [
    "/systems/chicago/issuers/library/programs/readers/badges",
    "/systems/chicago/issuers/nowhere/badges",
    "/systems/nowhere/badges",
]


@pytest.mark.parametrize("path", SCOPED_PATHS, ids=["containers there", "no issuer", "no system"])
async def test_the_limit_holds_on_routes_under_a_container(
    limited: tuple[FastAPI, FakeClock], client: httpx.AsyncClient, path: str
) -> None:
    app, clock = limited
    await create_tree(client)
    async with client_of(app, "10.0.0.1") as attacker:
        for _ in range(LIMIT):
            assert_error(await attacker.get(path, headers=bad(path)), 403, "NotAuthorized")
        clock.advance(20)
        assert_too_many(await attacker.get(path, headers=bad(path)), 40)
        answer = await attacker.get(path, headers=good(path))
        assert_too_many(await attacker.get(path, headers=bad(path)), 40)
    if "nowhere" in path:
        container = "issuer" if "issuers/nowhere" in path else "system"
        body = assert_error(answer, 404, "ResourceNotFound")
        assert container in body["message"]
    else:
        assert answer.status_code == 200, answer.text


async def test_other_clients_are_not_limited(limited: tuple[FastAPI, FakeClock]) -> None:
    app, _clock = limited
    async with client_of(app, "10.0.0.1") as attacker, client_of(app, "10.0.0.2") as other:
        for _ in range(LIMIT):
            await attacker.get("/systems", headers=bad())
        assert_too_many(await attacker.get("/systems", headers=bad()), 60)
        assert_error(await other.get("/systems", headers=bad()), 403, "NotAuthorized")


async def test_successful_requests_never_count(limited: tuple[FastAPI, FakeClock]) -> None:
    app, _clock = limited
    async with client_of(app) as caller:
        for _ in range(LIMIT * 3):
            assert (await caller.get("/systems", headers=good())).status_code == 200
        for _ in range(LIMIT):
            assert_error(await caller.get("/systems", headers=bad()), 403, "NotAuthorized")
        assert_too_many(await caller.get("/systems", headers=bad()), 60)


async def test_a_zero_limit_turns_it_off(settings: Settings) -> None:
    async with app_with(settings, auth_failures_per_minute=0) as app, client_of(app) as caller:
        for _ in range(40):
            assert_error(await caller.get("/systems", headers=bad()), 403, "NotAuthorized")
        assert (await caller.get("/systems", headers=good())).status_code == 200
        async with app.state.session_factory() as session:
            assert list(await session.scalars(select(FailureCounter))) == []


# Failed claims (unknown or used code), per client and per code.

CODES = "/systems/chicago/badges/python-basics/codes"


@pytest.fixture
async def codes(client: httpx.AsyncClient) -> None:
    await create_system(client)
    await create_badge(client)
    for code in ("used", "fresh", "other", "multi"):
        body = {"code": code, "multiuse": code == "multi"}
        assert (await client.post(CODES, json=body)).status_code == 201
    claimed = await client.post(f"{CODES}/used/claim", json={"email": "first@example.org"})
    assert claimed.status_code == 200


async def claim(caller: httpx.AsyncClient, code: str) -> httpx.Response:
    path = f"{CODES}/{code}/claim"
    body = orjson.dumps({"email": "earner@example.org"})
    headers = {**JSON, **token_header("POST", path, body)}
    return await caller.post(path, content=body, headers=headers)


async def code_state(client: httpx.AsyncClient, code: str) -> dict[str, object]:
    return (await client.get(f"{CODES}/{code}")).json()["claimCode"]  # type: ignore[no-any-return]


@pytest.mark.usefixtures("codes")
async def test_too_many_failed_claims_from_one_client_get_429(
    limited: tuple[FastAPI, FakeClock], client: httpx.AsyncClient
) -> None:
    app, clock = limited
    async with client_of(app, "10.0.0.1") as guesser, client_of(app, "10.0.0.2") as other:
        assert_error(await claim(guesser, "guess1"), 404, "ResourceNotFound")
        assert_error(await claim(guesser, "guess2"), 404, "ResourceNotFound")
        assert_error(await claim(guesser, "used"), 400, "CodeAlreadyUsed")
        clock.advance(15)
        assert_too_many(await claim(guesser, "guess3"), 45)
        assert_too_many(await claim(guesser, "used"), 45)
        assert_error(await claim(other, "guess3"), 404, "ResourceNotFound")
        # A real, unclaimed code is claimed whatever the counters say.
        assert (await claim(guesser, "fresh")).status_code == 200
        assert (await code_state(client, "fresh"))["email"] == "earner@example.org"
        assert_too_many(await claim(guesser, "guess4"), 45)
        clock.advance(45)
        assert_error(await claim(guesser, "guess5"), 404, "ResourceNotFound")


@pytest.mark.usefixtures("codes")
async def test_too_many_failed_claims_of_one_code_get_429(
    limited: tuple[FastAPI, FakeClock], client: httpx.AsyncClient
) -> None:
    app, _clock = limited
    for number in range(LIMIT):
        async with client_of(app, f"10.0.1.{number}") as caller:
            assert_error(await claim(caller, "used"), 400, "CodeAlreadyUsed")
    async with client_of(app, "10.0.2.1") as newcomer:
        assert_too_many(await claim(newcomer, "used"), 60)
        # The same client may still claim other codes: only that code is limited.
        assert (await claim(newcomer, "fresh")).status_code == 200
    assert (await code_state(client, "used"))["email"] == "first@example.org"


@pytest.mark.usefixtures("codes")
async def test_successful_claims_never_count(limited: tuple[FastAPI, FakeClock]) -> None:
    app, _clock = limited
    async with client_of(app) as caller:
        for _ in range(LIMIT * 2):
            assert (await claim(caller, "multi")).status_code == 200
        for number in range(LIMIT):
            assert_error(await claim(caller, f"guess{number}"), 404, "ResourceNotFound")
        assert_too_many(await claim(caller, "guess"), 60)
        assert (await claim(caller, "multi")).status_code == 200


@pytest.mark.usefixtures("codes")
async def test_a_real_code_is_claimed_after_100_failed_claims_from_its_address(
    limited: tuple[FastAPI, FakeClock], client: httpx.AsyncClient
) -> None:
    """Earners behind one proxy share an address: guessers among them must not keep the
    others from the codes they were given."""
    app, _clock = limited
    async with client_of(app, "10.0.0.1") as shared_address:
        statuses = [
            (await claim(shared_address, f"guess{number}")).status_code for number in range(100)
        ]
        claimed = await claim(shared_address, "fresh")
        assert_too_many(await claim(shared_address, "guess100"), 60)
    assert statuses == [404] * LIMIT + [429] * (100 - LIMIT)
    assert claimed.status_code == 200, claimed.text
    assert (await code_state(client, "fresh"))["claimed"] is True


@pytest.mark.usefixtures("codes")
async def test_a_code_is_claimed_once_it_exists_whatever_its_failures(
    limited: tuple[FastAPI, FakeClock], client: httpx.AsyncClient
) -> None:
    """Failed claims of a code not yet created do not keep it from its earner later."""
    app, _clock = limited
    for number in range(LIMIT + 2):
        async with client_of(app, f"10.0.1.{number}") as caller:
            claimed = await claim(caller, "soon")
            if number < LIMIT:
                assert_error(claimed, 404, "ResourceNotFound")
            else:
                assert_too_many(claimed, 60)
    assert (await client.post(CODES, json={"code": "soon"})).status_code == 201
    async with client_of(app, "10.0.2.1") as earner:
        assert (await claim(earner, "soon")).status_code == 200
        assert_too_many(await claim(earner, "soon"), 60)  # used now: a failure again
    assert (await code_state(client, "soon"))["email"] == "earner@example.org"


# The stores themselves.


async def test_stale_windows_are_purged_from_the_database(app: FastAPI) -> None:
    clock = FakeClock(START)
    keeping = FailureLimiter(
        DatabaseCounters(app.state.session_factory, purge_chance=0), clock=clock
    )
    purging = FailureLimiter(
        DatabaseCounters(app.state.session_factory, purge_chance=1), clock=clock
    )
    limit = FailureLimit("test", 5, "Too many")
    await keeping.count_failure((limit, "a"), (limit, "b"))
    clock.advance(60)
    await keeping.count_failure((limit, "a"))
    await purging.count_failure((limit, "a"))
    async with app.state.session_factory() as session:
        rows = list(
            await session.execute(select(FailureCounter.time_window, FailureCounter.failures))
        )
    assert rows == [(int(START // 60) + 1, 2)]


async def test_concurrent_failures_all_count(app: FastAPI) -> None:
    limiter = FailureLimiter(DatabaseCounters(app.state.session_factory), clock=FakeClock(START))
    limit = FailureLimit("test", 100, "Too many")
    await asyncio.gather(*(limiter.count_failure((limit, "client")) for _ in range(20)))
    async with app.state.session_factory() as session:
        assert await session.scalar(select(FailureCounter.failures)) == 20


async def test_redis_counters_expire_with_their_window() -> None:
    async with redis_db() as redis:
        limiter = FailureLimiter(RedisCounters(redis), clock=FakeClock(time.time()))
        await limiter.count_failure((FailureLimit("test", 5, "Too many"), "client"))
        [key] = await redis.keys("*")
        assert 0 < await redis.ttl(key) <= 62


# Shared by the worker processes of a real server.


@pytest.mark.e2e
async def test_the_limit_is_shared_by_the_server_processes(
    app: FastAPI,  # noqa: ARG001 - the schema must exist before the servers start
    settings: Settings,
    tmp_path: Path,
) -> None:
    """Two servers of two worker processes each, as on two hosts, asked in turn: 100 bad
    tokens from one address, then a valid write from it (served), then a bad token (429)."""
    limit = 8
    env = {"AUTH_FAILURES_PER_MINUTE": str(limit)}
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    async with contextlib.AsyncExitStack() as stack:
        base_urls = []
        for log in logs:
            server = running_server(
                settings.database_url, workers=2, extra_env=env, log_path=str(log)
            )
            base_urls.append(await asyncio.to_thread(server.__enter__))
            stack.push_async_callback(asyncio.to_thread, server.__exit__, None, None, None)
        await _start_of_a_window()
        limits = httpx.Limits(max_keepalive_connections=0)  # a new connection each time
        async with httpx.AsyncClient(limits=limits, timeout=30) as http:
            statuses = [
                (await http.get(f"{base_urls[turn % 2]}/systems", headers=bad())).status_code
                for turn in range(100)
            ]
            write = {**JSON, **token_header("POST", "/systems", NEW_SYSTEM)}
            created = await http.post(f"{base_urls[0]}/systems", content=NEW_SYSTEM, headers=write)
            listed = await http.get(f"{base_urls[1]}/systems", headers=good())
            last = await http.get(f"{base_urls[1]}/systems", headers=bad())
    assert statuses == [403] * limit + [429] * (100 - limit)
    assert created.status_code == 201, created.text
    assert [system["slug"] for system in listed.json()["systems"]] == ["new"]
    assert last.status_code == 429
    processes = set()
    for log in logs:
        lines = [orjson.loads(line) for line in log.read_bytes().splitlines()]
        processes |= {line["pid"] for line in lines if line.get("status") == 403}
        assert TEST_SECRET not in log.read_text()
    assert len(processes) >= 2


async def _start_of_a_window() -> None:
    """Leave room for the whole test inside one window."""
    seconds_into_window = time.time() % 60
    if seconds_into_window > 30:
        await asyncio.sleep(61 - seconds_into_window)


# Who the client is: `X-Forwarded-For` only from a proxy named in FORWARDED_ALLOW_IPS.


@pytest.mark.e2e
@pytest.mark.parametrize("trusted", [None, "127.0.0.1"], ids=["default", "proxy on loopback"])
async def test_a_forwarded_address_is_believed_only_from_a_named_proxy(
    app: FastAPI,  # noqa: ARG001 - the schema must exist before the server starts
    settings: Settings,
    trusted: str | None,
) -> None:
    """By default a client on the same host cannot make itself a new client per request by
    writing `X-Forwarded-For` (issue 15, defect 7)."""
    env = {"AUTH_FAILURES_PER_MINUTE": str(LIMIT)}
    if trusted is not None:
        env["FORWARDED_ALLOW_IPS"] = trusted
    server = running_server(settings.database_url, extra_env=env)
    base_url = await asyncio.to_thread(server.__enter__)
    try:
        await _start_of_a_window()
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:

            async def fail_as(forwarded_for: str) -> int:
                headers = {**bad(), "X-Forwarded-For": forwarded_for}
                return (await http.get("/systems", headers=headers)).status_code

            one_address = [await fail_as("192.0.2.1") for _ in range(LIMIT + 1)]
            new_addresses = [await fail_as(f"198.51.100.{n}") for n in range(1, 4)]
    finally:
        await asyncio.to_thread(server.__exit__, None, None, None)
    assert one_address == [403] * LIMIT + [429]
    if trusted is None:
        assert new_addresses == [429] * 3  # still the one loopback client
    else:
        assert new_addresses == [403] * 3  # each address the proxy names is its own client
