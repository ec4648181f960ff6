"""After the import, every claim code, milestone, application, review and webhook is
there, and the original's consumer key signs requests as before."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.models import Webhook
from tests.importing.legacy_rows import ROWS
from tests.importing.support import BADGE_PATHS, legacy, prepare_target, run_import
from tests.support import make_client

IMPORTED_CODES = (1, 2, 3, 5)  # 4 belongs to a badge that does not exist


@pytest.fixture
async def imported(client: httpx.AsyncClient, engine: AsyncEngine, legacy_url: str) -> None:
    await prepare_target(client)
    await run_import(legacy_url, engine)


@pytest.mark.usefixtures("imported")
async def test_every_claim_code_keeps_its_state(client: httpx.AsyncClient) -> None:
    for code_id in IMPORTED_CODES:
        row = legacy("claimCodes", code_id)
        codes = (await client.get(f"{BADGE_PATHS[row['badgeId']]}/codes")).json()["claimCodes"]
        shown = next(code for code in codes if code["code"] == row["code"])
        assert shown["claimed"] == bool(row["claimed"])
        # `multiuse` as the original stored it (and behaved by).
        assert shown["multiuse"] == bool(row["multiuse"])
        assert shown["email"] == row["email"]
    # A multi-use code keeps working for more than one earner.
    claim = f"{BADGE_PATHS[1]}/codes/MULTI/claim"
    for email in ("one@example.org", "two@example.org"):
        assert (await client.post(claim, json={"email": email})).status_code == 200


@pytest.mark.usefixtures("imported")
async def test_milestones_keep_their_support_badges(client: httpx.AsyncClient) -> None:
    milestones = (await client.get("/systems/chicago/milestones")).json()["milestones"]
    shown = {m["primaryBadge"]["slug"]: m for m in milestones}
    assert set(shown) == {"teen-coder", "library-explorer"}  # milestone 3's badge is gone
    first = shown["teen-coder"]
    assert (first["numberRequired"], first["action"]) == (2, "issue")
    assert {b["slug"] for b in first["supportBadges"]} == {"python-basics", "library-explorer"}
    second = shown["library-explorer"]
    assert second["action"] == "issue"  # NULL in the original: its default
    assert {b["slug"] for b in second["supportBadges"]} == {"python-basics"}


def _criterion_descriptions() -> dict[int, str]:
    return {row["id"]: row["description"] for row in ROWS["criteria"]}


@pytest.mark.usefixtures("imported")
async def test_applications_keep_evidence_and_reviews(client: httpx.AsyncClient) -> None:
    base = f"{BADGE_PATHS[1]}/applications"
    applications = (await client.get(base)).json()["applications"]
    assert [a["slug"] for a in applications] == ["app-one"]
    carol = applications[0]
    assert carol["learner"] == "carol@example.org"
    assert carol["assignedTo"] == "reviewer@example.org"
    assert carol["created"] == "2014-05-02T12:16:01.000Z"
    assert carol["processed"] == "2014-05-03T12:16:01.000Z"
    evidence = [(e["url"], e["mediaType"], e["reflection"]) for e in carol["evidence"]]
    assert evidence == [
        (row["url"], row["mediaType"], row["reflection"])
        for row in ROWS["evidence"]
        if row["applicationId"] == 1
    ]
    reviews = (await client.get(f"{base}/app-one/reviews")).json()["reviews"]
    assert [(r["slug"], r["author"], r["comment"]) for r in reviews] == [
        ("review-one", "reviewer@example.org", "Well done")
    ]
    badge = (await client.get(BADGE_PATHS[1])).json()["badge"]
    descriptions = {c["id"]: c["description"] for c in badge["criteria"]}
    items = [
        (descriptions[i["criterionId"]], bool(i["satisfied"]), i["comment"])
        for i in reviews[0]["reviewItems"]
    ]
    assert items == [("Write a program", True, "Yes"), ("Run it", False, None)]
    # The second `app-one` of the original (it had no unique key) got a new slug.
    others = (await client.get(f"{BADGE_PATHS[2]}/applications")).json()["applications"]
    assert [a["learner"] for a in others] == ["frank@example.org"]
    assert others[0]["slug"] != "app-one"
    # A zero `processed` still reads as processed.
    dave = (await client.get(f"{BADGE_PATHS[3]}/applications")).json()["applications"][0]
    assert dave["processed"] is not None


@pytest.mark.usefixtures("imported")
async def test_webhooks_keep_their_secrets(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    hooks = (await client.get("/systems/chicago/webhooks")).json()["webhooks"]
    assert [(h["url"], h["active"]) for h in hooks] == [
        ("https://hooks.chicago.example.org/badgekit", True)
    ]
    async with engine.connect() as connection:
        secrets = list(await connection.scalars(select(Webhook.secret)))
    assert secrets == ["chicago-webhook-secret-of-the-original-server"]


@pytest.mark.usefixtures("imported")
async def test_the_original_consumer_key_signs_requests(app: FastAPI) -> None:
    row: dict[str, Any] = legacy("consumers", 1)
    async with make_client(app, key=row["apiKey"], secret=row["apiSecret"]) as consumer:
        assert (await consumer.get("/systems/chicago")).status_code == 200
        award = {"email": "new.earner@example.org"}
        response = await consumer.post(f"{BADGE_PATHS[2]}/instances", json=award)
        assert response.status_code == 201
        assert (await consumer.get("/systems/nyc")).status_code == 403
    wrong_secret = "not-the-secret-of-this-consumer-key-at-all"
    async with make_client(app, key=row["apiKey"], secret=wrong_secret) as wrong:
        assert (await wrong.get("/systems/chicago")).status_code == 403
