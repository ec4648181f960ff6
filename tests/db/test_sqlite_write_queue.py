"""SQLite writers take turns (db/sqlite_write_queue.py): many writers at once all get through,
readers do not wait for them, and a request that is cancelled or stalls never keeps the
turn from the others."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import suppress

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.db.database import write_transaction
from badgekit_api.db.sqlite_write_queue import WriteTurns, turns_of
from badgekit_api.security.signing import sign_request
from tests.factories.assessment import applications_path
from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import instances_url
from tests.support import TEST_SECRET, make_client

CODES_URL = "/systems/chicago/badges/python-basics/codes"
BADGE_URL = "/systems/chicago/badges/python-basics"
# Only a guard against a hang: every wait below ends on its own when the code is right.
HANG = 60


@pytest.fixture
def turns(app: FastAPI) -> WriteTurns:
    found = turns_of(app.state.engine)
    if found is None:
        pytest.skip("SQLite only: the other databases queue writers themselves")
    return found


@pytest.fixture
async def badge(client: httpx.AsyncClient, turns: WriteTurns) -> None:  # noqa: ARG001 (SQLite only)
    await create_tree(client)
    await create_badge(client)


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(HANG):
        while not condition():
            await asyncio.sleep(0.005)


def award(client: httpx.AsyncClient, email: str) -> asyncio.Task[httpx.Response]:
    """An award request running in a task of its own (as it would on the server)."""
    return asyncio.create_task(client.post(instances_url(), json={"email": email}))


async def awarded_emails(client: httpx.AsyncClient) -> set[str]:
    listing = (await client.get(instances_url())).json()["instances"]
    return {instance["email"] for instance in listing}


@pytest.mark.usefixtures("badge")
async def test_many_simultaneous_awards_claims_and_applications_all_get_through(
    client: httpx.AsyncClient, turns: WriteTurns
) -> None:
    codes = [f"code-{number}" for number in range(5)]
    for code in codes:
        assert (await client.post(CODES_URL, json={"code": code})).status_code == 201

    awards = [
        client.post(instances_url(), json={"email": f"earner{n}@example.org"}) for n in range(20)
    ]
    claims = [
        client.post(f"{CODES_URL}/{code}/claim", json={"email": f"{code}-{n}@example.org"})
        for code in codes
        for n in range(4)
    ]
    applications = [
        client.post(applications_path("python-basics"), json={"learner": f"l{n}@example.org"})
        for n in range(20)
    ]
    async with asyncio.timeout(HANG):
        responses = await asyncio.gather(*awards, *claims, *applications)

    statuses = [response.status_code for response in responses]
    assert all(status < 500 for status in statuses), Counter(statuses)
    assert statuses[:20] == [201] * 20
    claimed = statuses[20:40]
    for code_number in range(len(codes)):
        # Each code has one winner; its other claimers learn it is used.
        assert sorted(claimed[code_number * 4 : code_number * 4 + 4]) == [200, 400, 400, 400]
    assert statuses[40:] == [201] * 20
    assert turns.holder is None
    assert turns.queued == 0


@pytest.mark.usefixtures("badge")
async def test_reads_go_on_while_a_writer_holds_the_turn(
    app: FastAPI, client: httpx.AsyncClient, turns: WriteTurns
) -> None:
    async with write_transaction(app.state.session_factory):
        waiting = award(client, "earner@example.org")
        await until(lambda: turns.queued == 1)

        read = await client.get(BADGE_URL)
        assert read.status_code == 200
        assert read.json()["badge"]["slug"] == "python-basics"
        assert not waiting.done()

    assert (await waiting).status_code == 201
    assert await awarded_emails(client) == {"earner@example.org"}


@pytest.mark.usefixtures("badge")
async def test_a_request_cancelled_while_waiting_leaves_the_queue(
    app: FastAPI, client: httpx.AsyncClient, turns: WriteTurns
) -> None:
    async with write_transaction(app.state.session_factory):
        waiting = award(client, "gone@example.org")
        await until(lambda: turns.queued == 1)
        waiting.cancel()
        with suppress(asyncio.CancelledError):
            await waiting
        assert turns.queued == 0

    assert turns.holder is None
    after = await award(client, "next@example.org")
    assert after.status_code == 201
    assert await awarded_emails(client) == {"next@example.org"}


@pytest.mark.usefixtures("badge")
async def test_a_request_cancelled_once_it_has_the_turn_gives_it_back(
    app: FastAPI, client: httpx.AsyncClient, turns: WriteTurns
) -> None:
    async with write_transaction(app.state.session_factory):
        waiting = award(client, "gone@example.org")
        await until(lambda: turns.queued == 1)
    # Handed the turn when the holder finished; cancelled before or while it writes.
    waiting.cancel()
    with suppress(asyncio.CancelledError):
        await waiting

    await until(lambda: turns.holder is None)
    assert (await award(client, "next@example.org")).status_code == 201
    assert turns.holder is None


@pytest.mark.usefixtures("badge")
async def test_a_request_cancelled_in_the_middle_of_its_writes_gives_the_turn_back(
    client: httpx.AsyncClient, turns: WriteTurns
) -> None:
    writing = award(client, "gone@example.org")
    await until(lambda: turns.holder is not None or writing.done())
    writing.cancel()
    with suppress(asyncio.CancelledError):
        await writing

    await until(lambda: turns.holder is None)
    assert (await award(client, "next@example.org")).status_code == 201


@pytest.mark.usefixtures("badge")
async def test_a_client_that_stalls_mid_body_does_not_hold_the_turn(
    app: FastAPI, turns: WriteTurns
) -> None:
    body = b'{"email": "slow@example.org"}'
    path = instances_url()
    stalled, go_on = asyncio.Event(), asyncio.Event()

    async def slowly() -> AsyncIterator[bytes]:
        yield body[:10]
        stalled.set()
        await go_on.wait()
        yield body[10:]

    headers = {
        "Authorization": sign_request("POST", path, body, key="master", secret=TEST_SECRET),
        "Content-Type": "application/json",
    }
    async with make_client(app, key=None) as unsigned:
        slow = asyncio.create_task(unsigned.post(path, content=slowly(), headers=headers))
        async with asyncio.timeout(HANG):
            await stalled.wait()
            # Another writer gets its turn while the slow client sits on half a body.
            async with write_transaction(app.state.session_factory):
                assert turns.holder is not None
        go_on.set()
        response = await slow
    assert response.status_code == 201, response.text


@pytest.mark.usefixtures("badge")
async def test_a_writer_that_waits_too_long_is_a_503_to_retry(
    app: FastAPI, client: httpx.AsyncClient, turns: WriteTurns
) -> None:
    patience = turns.wait_seconds
    turns.wait_seconds = 0.05
    try:
        async with write_transaction(app.state.session_factory):
            response = await award(client, "earner@example.org")
    finally:
        turns.wait_seconds = patience

    assert response.status_code == 503
    assert response.json()["code"] == "ServiceUnavailable"
    assert "retry-after" in response.headers
    assert await awarded_emails(client) == set()


async def test_a_task_that_would_wait_on_its_own_turn_fails_at_once(
    app: FastAPI, turns: WriteTurns
) -> None:
    async with write_transaction(app.state.session_factory):
        with pytest.raises(RuntimeError, match="another connection"):
            async with write_transaction(app.state.session_factory):
                pass
    assert turns.holder is None


async def test_turns_go_first_come_first_served() -> None:
    turns = WriteTurns(wait_seconds=HANG)
    order: list[str] = []
    await turns.take("first")

    async def write(owner: str) -> None:
        await turns.take(owner)
        order.append(owner)
        await asyncio.sleep(0)
        turns.give_back(owner)

    writers = []
    for owner in ["a", "b", "c", "d"]:
        writers.append(asyncio.create_task(write(owner)))
        await asyncio.sleep(0)  # each is queued before the next arrives
    assert turns.queued == 4
    turns.give_back("first")
    await asyncio.gather(*writers)
    assert order == ["a", "b", "c", "d"]
    assert turns.holder is None


async def test_a_turn_handed_over_to_a_cancelled_writer_passes_on() -> None:
    turns = WriteTurns(wait_seconds=HANG)
    await turns.take("first")
    cancelled = asyncio.create_task(turns.take("cancelled"))
    after = asyncio.create_task(turns.take("after"))
    await asyncio.sleep(0)
    turns.give_back("first")  # "cancelled" has it now, but has not run yet
    assert turns.holder == "cancelled"
    cancelled.cancel()
    with suppress(asyncio.CancelledError):
        await cancelled
    await after
    assert turns.holder == "after"
