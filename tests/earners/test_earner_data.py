"""`/systems/:s/earners/:email`: everything a system holds about one email, and its erasure,
after which the email is in no text column of any table, the awards answer as revoked and
the other system's data about the same email is untouched."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import String, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.models import BadgeInstance, Base
from badgekit_api.openbadges.formats import identity_hash
from tests.factories.consumers import create_consumer
from tests.portability.seed import EARNER, OTHER_EARNER, seed
from tests.support import make_client

URL = f"/systems/chicago/earners/{EARNER}"


async def _tables_naming(engine: AsyncEngine, email: str) -> dict[str, int]:
    """Rows of every table with a text column holding `email` anywhere in it."""
    found = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [column for column in table.columns if isinstance(column.type, String)]
            if not columns:
                continue
            rows = (
                await connection.execute(
                    select(table).where(
                        or_(*(column.contains(email, autoescape=True) for column in columns))
                    )
                )
            ).all()
            if rows:
                found[table.name] = len(rows)
    return found


async def test_an_earner_sees_everything_held_about_them(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    seeded = await seed(client, app)
    response = await client.get(f"/systems/chicago/earners/{EARNER.upper()}")
    assert response.status_code == 200, response.text
    earner = response.json()["earner"]
    assert earner["email"] == EARNER
    assert [award["slug"] for award in earner["instances"]] == seeded.assertions[:2]
    first = earner["instances"][0]
    assert first["badge"]["slug"] == "python-basics"
    assert first["evidence"] == [{"url": "https://work.example.org/1", "narrative": "A script"}]
    assert first["revoked"] is False
    # The application of EARNER, with its review and items; not the other earner's.
    (application,) = earner["applications"]
    assert application["slug"] == seeded.applications[0]
    assert application["learner"] == EARNER
    (review,) = application["reviews"]
    assert review["comment"] == "Good" and review["reviewItems"][0]["comment"] == "yes"
    assert earner["claimCodes"] == []

    other = (await client.get(f"/systems/chicago/earners/{OTHER_EARNER}")).json()["earner"]
    assert [award["revoked"] for award in other["instances"]] == [True]
    assert other["instances"][0]["revocationReason"] == "Awarded by mistake"
    assert other["claimCodes"] == [
        {"code": "ABC-123", "badge": "python-basics", "claimed": True, "multiuse": False}
    ]
    assert other["applications"][0]["evidence"][0]["url"] == seeded.images[1]

    nobody = await client.get("/systems/chicago/earners/nobody@example.org")
    assert nobody.json() == {
        "earner": {
            "email": "nobody@example.org",
            "instances": [],
            "applications": [],
            "claimCodes": [],
        }
    }


@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_only_the_master_key_or_the_systems_own_key(
    client: httpx.AsyncClient, app: FastAPI, method: str
) -> None:
    await seed(client, app)
    own_key, own_secret = await create_consumer(app, "chicago")
    other_key, other_secret = await create_consumer(app, "zurich")
    async with make_client(app, key=other_key, secret=other_secret) as other:
        refused = await other.request(method, URL)
        assert refused.status_code == 403
        assert refused.json()["code"] == "NotAuthorized"
    async with make_client(app, key=None) as anon:
        assert (await anon.request(method, URL)).status_code == 403
    # Nothing was erased by the refused requests.
    assert len((await client.get(URL)).json()["earner"]["instances"]) == 2
    async with make_client(app, key=own_key, secret=own_secret) as own:
        assert (await own.request(method, URL)).status_code == 200
    assert (await client.get("/systems/nowhere/earners/a@example.org")).status_code == 404


async def test_a_bad_address_is_a_400(client: httpx.AsyncClient, app: FastAPI) -> None:
    await seed(client, app)
    for method in ("GET", "DELETE"):
        response = await client.request(method, "/systems/chicago/earners/not-an-email")
        assert response.status_code == 400
        assert response.json()["code"] == "ValidationError"


async def _assertion(anon: httpx.AsyncClient, uid: str, version: str) -> httpx.Response:
    return await anon.get(f"/public/assertions/{uid}", params={"v": version})


async def test_erasure_leaves_tombstones_and_no_email(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, app: FastAPI, engine: AsyncEngine
) -> None:
    seeded = await seed(client, app)
    # Make the earner also a reviewer and an assignee, and let events name them.
    await client.post("/systems/chicago/webhooks", json={"url": "https://example.org/hook2"})
    assigned = await client.put(
        f"/systems/chicago/issuers/library/badges/reading/applications/{seeded.applications[1]}",
        json={"assignedTo": EARNER},
    )
    assert assigned.status_code == 200, assigned.text
    reviewed = await client.post(
        f"/systems/chicago/issuers/library/badges/reading/applications/{seeded.applications[1]}/reviews",
        json={"author": EARNER, "comment": "Fine"},
    )
    assert reviewed.status_code == 201, reviewed.text
    # The check below can fail: before the erasure, the email is in all these tables.
    assert set(await _tables_naming(engine, EARNER)) == {
        "badge_instances",
        "applications",
        "reviews",
        "webhook_events",
    }
    revocations_before = (await anon.get("/public/systems/chicago/revocations?v=2")).json()
    zurich_before = (await client.get(f"/systems/zurich/earners/{EARNER}")).json()

    response = await client.delete(URL)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "deleted" and body["email"] == EARNER
    assert body["erased"]["instances"] == 2
    assert body["erased"]["applications"] == 1
    assert body["erased"]["assignments"] == 1
    assert body["erased"]["reviews"] == 1
    assert body["erased"]["webhookEvents"] >= 2

    # Nowhere in chicago's rows; zurich's award of the same email is its own and stays.
    assert await _tables_naming(engine, EARNER) == {"badge_instances": 1}
    assert (await client.get(f"/systems/zurich/earners/{EARNER}")).json() == zurich_before
    assert (await client.get(URL)).json()["earner"] == {
        "email": EARNER,
        "instances": [],
        "applications": [],
        "claimCodes": [],
    }

    for uid in seeded.assertions[:2]:
        for version in ("1", "2"):
            gone = await _assertion(anon, uid, version)
            assert gone.status_code == 410, gone.text
            assert gone.json()["revoked"] is True
            assert gone.json()["revocationReason"] == "Erased at the earner's request"
        page = await anon.get(f"/public/assertions/{uid}", headers={"Accept": "text/html"})
        assert page.status_code == 410
        assert EARNER not in page.text
    async with app.state.session_factory() as session:
        tombstones = list(
            await session.scalars(
                select(BadgeInstance).where(BadgeInstance.slug.in_(seeded.assertions[:2]))
            )
        )
    assert {stone.published_identity for stone in tombstones} == {identity_hash(EARNER)}
    assert {stone.email for stone in tombstones} == {None}
    revocations = (await anon.get("/public/systems/chicago/revocations?v=2")).json()
    assert len(str(revocations)) > len(str(revocations_before))

    # The badges can be awarded to the address again, as a new award.
    again: dict[str, Any] = (
        await client.post("/systems/chicago/badges/python-basics/instances", json={"email": EARNER})
    ).json()
    assert again["instance"]["slug"] not in seeded.assertions


async def test_a_claimed_code_stays_claimed_without_the_email(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, app: FastAPI, engine: AsyncEngine
) -> None:
    seeded = await seed(client, app)
    evidence_image = seeded.images[1].removeprefix("http://badges.test")
    assert (await anon.get(evidence_image)).status_code == 200
    assert "claim_codes" in await _tables_naming(engine, OTHER_EARNER)
    response = await client.delete(f"/systems/chicago/earners/{OTHER_EARNER}")
    assert response.status_code == 200, response.text
    assert response.json()["erased"]["claimCodes"] == 1
    assert response.json()["erased"]["applications"] == 1
    assert await _tables_naming(engine, OTHER_EARNER) == {}
    code = (await client.get("/systems/chicago/badges/python-basics/codes/ABC-123")).json()
    assert code["claimCode"]["claimed"] is True
    # The uploaded evidence went with the application.
    assert (await anon.get(evidence_image)).status_code == 404
    assert (await client.get("/systems/chicago/applications")).json()["applications"][0][
        "learner"
    ] == EARNER


async def test_the_reference_documents_both_operations(anon: httpx.AsyncClient) -> None:
    spec = (await anon.get("/openapi.json")).json()
    operations = spec["paths"]["/systems/{system_slug}/earners/{email}"]
    assert set(operations) >= {"get", "delete"}
    assert "tombstone" in operations["delete"]["description"]
    assert operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]
