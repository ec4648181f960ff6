"""On PostgreSQL a write whose only statement is atomic on its own runs without a
transaction of its own: a plain award, an application without uploaded files. Writes of
more than one statement still begin one, and commit or roll back all of it together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.dialects.postgresql import asyncpg as sqlalchemy_asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories.assessment import applications_path
from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.factories.images import png_bytes
from tests.factories.instances import (
    award,
    create_milestone,
    event_payloads,
    instances_url,
    listen_to_events,
    stored_instances,
)

ADAPTER = sqlalchemy_asyncpg.AsyncAdapt_asyncpg_connection


@pytest.fixture(autouse=True)
def postgresql_only(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite and MariaDB write in more than one statement")


@pytest.fixture
def begun(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[None]]:
    """One entry for each transaction a connection begins (clear it before the request
    that counts: the setup's writes begin theirs)."""
    started: list[None] = []
    start = ADAPTER._start_transaction

    async def counted(self: Any) -> None:
        started.append(None)
        await start(self)

    monkeypatch.setattr(ADAPTER, "_start_transaction", counted)
    yield started


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    await listen_to_events(client)


async def test_a_plain_award_begins_no_transaction_and_is_kept_whole(
    client: httpx.AsyncClient, app: FastAPI, begun: list[None]
) -> None:
    await create_badge(client)
    evidence = [{"url": "https://example.org/work", "narrative": "Built it"}]
    begun.clear()
    created = await award(client, email="ada@example.org", evidence=evidence)
    assert begun == []
    shown = (await client.get(f"{instances_url()}/ada@example.org")).json()["instance"]
    assert shown["evidence"] == evidence
    assert [payload["email"] for payload in await event_payloads(app, "award")] == [
        created["email"]
    ]


async def test_an_award_that_loses_to_a_holder_is_a_409_and_adds_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    await award(client, email="ada@example.org")
    response = await client.post(instances_url(), json={"email": "ada@example.org"})
    assert response.status_code == 409, response.text
    assert len(await stored_instances(app)) == 1
    assert len(await event_payloads(app, "award")) == 1


async def test_an_award_that_completes_a_milestone_commits_both_in_one_transaction(
    client: httpx.AsyncClient, app: FastAPI, begun: list[None]
) -> None:
    support = await create_badge(client, slug="support")
    primary = await create_badge(client, slug="primary")
    await create_milestone(client, primary, [support])
    begun.clear()
    await award(client, badge="support", email="ada@example.org")
    assert len(begun) == 1  # the milestones' lock began it; the awards followed in it
    held = {instance.badge_id for instance in await stored_instances(app)}
    assert held == {support["id"], primary["id"]}


async def test_an_award_of_a_badge_with_a_limit_takes_its_lock_in_a_transaction(
    client: httpx.AsyncClient, begun: list[None]
) -> None:
    await create_badge(client, limit=1)
    begun.clear()
    await award(client, email="ada@example.org")
    assert len(begun) == 1
    response = await client.post(instances_url(), json={"email": "bob@example.org"})
    assert response.status_code == 400, response.text  # the limit holds


async def test_an_application_begins_a_transaction_only_for_its_uploaded_files(
    client: httpx.AsyncClient, begun: list[None]
) -> None:
    await create_badge(client)
    begun.clear()
    plain = await client.post(applications_path("python-basics"), json={"learner": "a@x.org"})
    assert plain.status_code == 201, plain.text
    assert begun == []
    uploaded = await client.post(
        applications_path("python-basics"),
        data={"learner": "b@x.org", "evidence[0][reflection]": "A photo"},
        files={"evidence[0][file]": ("work.png", png_bytes(0, 128, 255), "image/png")},
    )
    assert uploaded.status_code == 201, uploaded.text
    assert len(begun) == 1
    assert uploaded.json()["application"]["evidence"][0]["mediaType"] == "image"


async def test_a_claim_begins_no_transaction_and_its_losers_are_still_counted(
    client: httpx.AsyncClient, begun: list[None]
) -> None:
    await create_badge(client)
    codes = f"{instances_url().removesuffix('/instances')}/codes"
    assert (await client.post(codes, json={"code": "open-sesame"})).status_code == 201
    begun.clear()
    won = await client.post(f"{codes}/open-sesame/claim", json={"email": "ada@example.org"})
    assert won.status_code == 200, won.text
    assert won.json()["claimCode"]["claimed"] is True
    assert begun == []
    lost = await client.post(f"{codes}/open-sesame/claim", json={"email": "bob@example.org"})
    assert lost.status_code == 400, lost.text
    assert len(begun) == 1  # only the failure count's own transaction
    shown = (await client.get(f"{codes}/open-sesame")).json()["claimCode"]
    assert (shown["claimed"], shown["email"]) == (True, "ada@example.org")


async def test_an_award_with_a_claim_code_claims_and_awards_in_one_transaction(
    client: httpx.AsyncClient, app: FastAPI, begun: list[None]
) -> None:
    await create_badge(client)
    codes = f"{instances_url().removesuffix('/instances')}/codes"
    assert (await client.post(codes, json={"code": "open-sesame"})).status_code == 201
    begun.clear()
    await award(client, email="ada@example.org", claimCode="open-sesame")
    assert len(begun) == 1
    assert len(await stored_instances(app)) == 1
    shown = (await client.get(f"{codes}/open-sesame")).json()["claimCode"]
    assert shown["claimed"] is True
