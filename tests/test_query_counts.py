"""How many SQL statements each hot endpoint runs: fixed numbers, whatever the data size.

These are the requests the load benchmark (bench/) hammers. A count that grows means a new
query on a hot path (or an N+1 that came back): look at `counter.statements` and either
fix it or raise the number here on purpose. The auth check's read of the failure counters
and the URL's containers (system, issuer, program) are read in one statement; on SQLite,
where the check reads in a session of its own, in two (`_preamble`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories.badges import LEVEL_PREFIXES, create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import award
from tests.support import count_queries
from tests.webhooks.support import add_webhook

PROGRAM = LEVEL_PREFIXES["program"]
CRITERIA = [{"description": "Shows up", "required": True}, {"description": "Helps"}]


async def _statements(
    engine: AsyncEngine, send: Callable[[], Awaitable[httpx.Response]], status: int = 200
) -> int:
    with count_queries(engine) as counter:
        response = await send()
    assert response.status_code == status, response.text
    return counter.count


def _preamble(engine: AsyncEngine) -> int:
    """Statements for the auth check's failure count and the URL's containers."""
    return 2 if engine.dialect.name == "sqlite" else 1


async def _badges(client: httpx.AsyncClient, count: int, start: int = 0) -> list[dict[str, Any]]:
    """`count` badges spread over the three levels, each with criteria, tags and a category."""
    levels = ("system", "issuer", "program")
    return [
        await create_badge(
            client,
            levels[index % 3],
            slug=f"badge-{index}",
            name=f"Badge {index}",
            criteria=CRITERIA,
            tags=["a", "b"],
            categories=["science"],
            alignments=[{"name": "Standard", "url": "https://example.org/standard"}],
        )
        for index in range(start, start + count)
    ]


async def test_health_runs_no_query(anon: httpx.AsyncClient, engine: AsyncEngine) -> None:
    assert await _statements(engine, lambda: anon.get("/")) == 0


async def test_a_badge_page_costs_the_same_for_2_or_12_badges(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    await _badges(client, 2)
    page = "/systems/chicago/badges?page=1&count=50"
    few = await _statements(engine, lambda: client.get(page))
    await _badges(client, 10, start=2)
    many = await _statements(engine, lambda: client.get(page))
    # auth + system, count, badges (with image and containers joined), their 5 lists in one
    assert few == many == _preamble(engine) + 3


async def test_one_badge(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    # auth + system, issuer and program, the badge (joined), its 5 lists in one
    count = await _statements(engine, lambda: client.get(f"{PROGRAM}/badges/badge-2"))
    assert count == _preamble(engine) + 2


async def test_public_assertion(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    await _badges(client, 3)
    instance = await award(client, "program", "badge-2")
    uid = instance["assertionUrl"].rsplit("/", 1)[-1]
    # the instance with its badge, image and containers joined; its evidence
    assert await _statements(engine, lambda: anon.get(f"/public/assertions/{uid}")) == 2


async def test_an_earners_instances_cost_the_same_for_1_or_6_badges(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    badges = await _badges(client, 6)
    email = "earner@example.org"
    await award(client, "system", badges[0]["slug"], email)
    path = f"/systems/chicago/instances/{email}"
    one = await _statements(engine, lambda: client.get(path))
    for index, badge in enumerate(badges[1:], start=1):
        await award(client, ("system", "issuer", "program")[index % 3], badge["slug"], email)
    six = await _statements(engine, lambda: client.get(path))
    # auth + system, instances with their badges' rows, evidence, the badges' 5 lists in one
    assert one == six == _preamble(engine) + 3


async def test_award(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    count = await _statements(
        engine,
        lambda: client.post(f"{PROGRAM}/badges/badge-2/instances", json={"email": "a@example.org"}),
        201,
    )
    # auth + 3 containers, the badge, its 5 lists in one, milestones it supports, holders,
    # the insert, subscribed webhooks
    assert count == _preamble(engine) + 6


async def test_claim(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    codes = f"{PROGRAM}/badges/badge-2/codes"
    assert (await client.post(codes, json={"code": "open-sesame"})).status_code == 201
    count = await _statements(
        engine,
        lambda: client.post(f"{codes}/open-sesame/claim", json={"email": "a@example.org"}),
    )
    # auth + 3 containers, the badge, its 5 lists in one, the claim limits, then one
    # UPDATE ... RETURNING where the database has it (MariaDB: find, update, read back)
    assert count == _preamble(engine) + (4 if engine.dialect.update_returning else 6)


async def test_submit_application(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    body = {
        "learner": "learner@example.org",
        "evidence": [{"url": "https://example.org/work", "mediaType": "link"}],
    }
    count = await _statements(
        engine, lambda: client.post(f"{PROGRAM}/badges/badge-2/applications", json=body), 201
    )
    # auth + 3 containers, the badge, its 5 lists in one, the application, its evidence
    assert count == _preamble(engine) + 4


async def test_a_bulk_award_costs_the_same_for_3_or_30_earners(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    await _badges(client, 3)
    for _ in range(2):  # two webhooks: every award is queued for each of them
        await add_webhook(client, system="chicago", url="https://receiver.example.org/hook")
    bulk = f"{PROGRAM}/badges/badge-2/instances/bulk"

    async def statements_to_award(count: int, first: int) -> list[str]:
        emails = [f"earner-{first + index}@example.org" for index in range(count)]
        with count_queries(engine) as counter:
            response = await client.post(bulk, json={"emails": emails})
        assert response.status_code == 201, response.text
        return counter.statements

    few, many = await statements_to_award(3, 0), await statements_to_award(30, 100)
    # The instances go in one batched INSERT where the ORM can read many generated keys
    # back at once (PostgreSQL); SQLite and MySQL get one INSERT per row from it. Every
    # other statement, the webhook events' batched insert included, is the same for both.
    assert len(_without_instance_inserts(few)) == len(_without_instance_inserts(many))
    if engine.dialect.name == "postgresql":
        assert len(few) == len(many)


def _without_instance_inserts(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.lstrip().startswith("INSERT INTO badge_instances")]
