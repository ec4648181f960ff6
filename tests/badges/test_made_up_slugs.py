"""A badge created without a `slug` never fails because its made-up slug was taken.

A request loses its slug when another one takes it between the read that found it free
and the insert. Here the read is made stale on purpose (it answers as if the system had
no badge of that name yet, as when the other request had not committed), so the retry
runs in-process on every database. `test_concurrency.py` runs the real race on a server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.badges import slugs
from tests.factories.badges import LEVEL_PREFIXES, badge_body, create_badge
from tests.factories.containers import create_tree

BADGES = f"{LEVEL_PREFIXES['system']}/badges"

StaleReads = Callable[[int], None]


@pytest.fixture
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


@pytest.fixture
def stale_reads(engine: AsyncEngine) -> Iterator[StaleReads]:
    """`stale_reads(n)`: the next `n` reads of the slugs like a badge name's find none."""
    remaining = 0

    def make_stale(count: int) -> None:
        nonlocal remaining
        remaining = count

    def find_nothing(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any
    ) -> tuple[str, Any]:
        nonlocal remaining
        if remaining and statement.startswith("SELECT badges.slug") and " LIKE " in statement:
            remaining -= 1
            statement += " AND 1 = 0"
        return statement, parameters

    event.listen(engine.sync_engine, "before_cursor_execute", find_nothing, retval=True)
    yield make_stale
    event.remove(engine.sync_engine, "before_cursor_execute", find_nothing)


async def listed_slugs(client: httpx.AsyncClient) -> list[str]:
    return sorted(badge["slug"] for badge in (await client.get(BADGES)).json()["badges"])


@pytest.mark.usefixtures("tree")
async def test_a_made_up_slug_taken_meanwhile_is_replaced_by_the_next_one(
    client: httpx.AsyncClient, stale_reads: StaleReads
) -> None:
    await create_badge(client)
    stale_reads(1)

    response = await client.post(BADGES, json=badge_body(criteria=[{"description": "Run it"}]))

    assert response.status_code == 201, response.text
    created = response.json()["badge"]
    assert created["slug"] == "python-basics-2"
    assert [item["description"] for item in created["criteria"]] == ["Run it"]
    assert created["imageUrl"]
    assert await listed_slugs(client) == ["python-basics", "python-basics-2"]


@pytest.mark.usefixtures("tree")
async def test_when_readable_guesses_keep_losing_a_random_tail_is_used(
    client: httpx.AsyncClient, stale_reads: StaleReads
) -> None:
    await create_badge(client)
    stale_reads(slugs.READABLE_TRIES)

    response = await client.post(BADGES, json=badge_body())

    assert response.status_code == 201, response.text
    slug = response.json()["badge"]["slug"]
    assert slug.startswith("python-basics-") and len(slug) == len("python-basics-") + 6
    assert await listed_slugs(client) == sorted(["python-basics", slug])


@pytest.mark.usefixtures("tree")
async def test_the_tries_are_bounded_and_the_last_one_lost_is_a_clear_409(
    client: httpx.AsyncClient, stale_reads: StaleReads, monkeypatch: pytest.MonkeyPatch
) -> None:
    await create_badge(client)
    monkeypatch.setattr(slugs, "RANDOM_TRIES", 0)
    stale_reads(slugs.READABLE_TRIES)

    response = await client.post(BADGES, json=badge_body())

    assert response.status_code == 409, response.text
    body = response.json()
    assert body["code"] == "ResourceConflict"
    assert "name one with `slug`" in body["message"]
    assert await listed_slugs(client) == ["python-basics"]
