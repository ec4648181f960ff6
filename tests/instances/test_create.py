"""Awarding a badge: `POST .../badges/:slug/instances` (issuing.md) at the three levels."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.badges import LEVEL_PREFIXES, LEVELS, create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import (
    award,
    event_payloads,
    instances_url,
    listen_to_events,
    stored_instances,
)

RANDOM_SLUG = re.compile(r"^[0-9a-f]{32}$")
ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    await listen_to_events(client)


async def badge_as_shown(client: httpx.AsyncClient, level: str, slug: str) -> dict[str, Any]:
    response = await client.get(f"{LEVEL_PREFIXES[level]}/badges/{slug}")
    return response.json()["badge"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("level", LEVELS)
async def test_award_answers_the_documented_instance(client: httpx.AsyncClient, level: str) -> None:
    await create_badge(client, level)
    response = await client.post(instances_url(level), json={"email": "earner@example.org"})

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "created"
    instance = body["instance"]
    slug = instance["slug"]
    assert RANDOM_SLUG.match(slug)
    assert ISO_MILLIS.match(instance["issuedOn"])
    assert instance == {
        "slug": slug,
        "email": "earner@example.org",
        "expires": None,
        "issuedOn": instance["issuedOn"],
        "claimCode": None,
        "assertionUrl": f"http://badges.test/public/assertions/{slug}",
        "credentialUrl": f"http://badges.test/public/assertions/{slug}?v=3",
        "badge": await badge_as_shown(client, level, "python-basics"),
        "evidence": [],
        "comment": None,
    }
    assert response.headers["location"] == instance["assertionUrl"]


async def test_award_keeps_every_given_field(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    instance = await award(
        client,
        email="Earner@Example.ORG",
        slug="ada-python-2014",
        issuedOn="2014-05-29T10:16:01.654Z",
        expires="2014-10-29T10:16:01Z",
        comment="Well done!",
        evidence=[
            {"url": "https://portfolio.example.org/ada/python", "narrative": "Wrote a game."},
            {"narrative": "Presented it to the class."},
        ],
    )
    assert instance["slug"] == "ada-python-2014"
    assert instance["email"] == "earner@example.org"
    assert instance["issuedOn"] == "2014-05-29T10:16:01.654Z"
    assert instance["expires"] == "2014-10-29T10:16:01.000Z"
    assert instance["comment"] == "Well done!"
    assert instance["evidence"] == [
        {"url": "https://portfolio.example.org/ada/python", "narrative": "Wrote a game."},
        {"url": None, "narrative": "Presented it to the class."},
    ]
    shown = await client.get(f"{instances_url()}/earner@example.org")
    assert shown.json()["instance"] == instance


@pytest.mark.parametrize("issued_on", [1400094712, "1400094712", 1400094712000])
async def test_unix_time_issued_on_is_kept(client: httpx.AsyncClient, issued_on: int | str) -> None:
    await create_badge(client)
    instance = await award(client, issuedOn=issued_on, expires=1500000000)
    assert instance["issuedOn"] == "2014-05-14T19:11:52.000Z"
    assert instance["expires"] == "2017-07-14T02:40:00.000Z"


async def test_urlencoded_award(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    response = await client.post(
        instances_url(),
        data={
            "email": "earner@example.org",
            "issuedOn": "1400094712",
            "expires": "",
            "claimCode": "",
            "comment": "From a form",
            "evidence[0][url]": "https://portfolio.example.org/a",
            "evidence[1][narrative]": "Told us about it.",
        },
    )
    assert response.status_code == 201, response.text
    instance = response.json()["instance"]
    assert instance["issuedOn"] == "2014-05-14T19:11:52.000Z"
    assert instance["expires"] is None
    assert instance["claimCode"] is None
    assert instance["comment"] == "From a form"
    assert instance["evidence"] == [
        {"url": "https://portfolio.example.org/a", "narrative": None},
        {"url": None, "narrative": "Told us about it."},
    ]


async def test_multipart_award(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    response = await client.post(
        instances_url(),
        data={"email": "earner@example.org", "slug": "from-multipart"},
        files={"unused": ("note.txt", b"ignored", "text/plain")},
    )
    assert response.status_code == 201, response.text
    assert response.json()["instance"]["slug"] == "from-multipart"
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "email"),
        ({"email": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "earner@example.org", "issuedOn": "yesterday"}, "issuedOn"),
        ({"email": "earner@example.org", "issuedOn": "0999-12-31T00:00:00Z"}, "issuedOn"),
        ({"email": "earner@example.org", "issuedOn": True}, "issuedOn"),
        ({"email": "earner@example.org", "slug": "no spaces"}, "slug"),
        ({"email": "earner@example.org", "slug": "x" * 65}, "slug"),
        ({"email": "earner@example.org", "evidence": [{}]}, "evidence.0"),
        ({"email": "earner@example.org", "evidence": [{"url": "ftp://x"}]}, "evidence.0.url"),
    ],
)
async def test_invalid_award_is_a_400_that_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, body: dict[str, Any], field: str
) -> None:
    await create_badge(client)
    response = await client.post(instances_url(), json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "ValidationError"
    assert error["message"] == "Could not validate required fields"
    assert field in [detail["field"] for detail in error["details"]]
    assert await stored_instances(app) == []
    assert await event_payloads(app) == []


async def test_expiry_before_issue_is_refused(client: httpx.AsyncClient, app: FastAPI) -> None:
    await create_badge(client)
    response = await client.post(
        instances_url(),
        json={"email": "earner@example.org", "issuedOn": 1400094712, "expires": 1400000000},
    )
    assert response.status_code == 400
    assert response.json()["details"] == [
        {
            "field": "expires",
            "value": 1400000000,
            "message": "`expires` must be later than `issuedOn`",
        }
    ]
    assert await stored_instances(app) == []


async def test_unknown_badge_is_a_404(client: httpx.AsyncClient) -> None:
    response = await client.post(instances_url(badge="nope"), json={"email": "e@example.org"})
    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": "Could not find badge field: `slug`, value: `nope`",
    }


async def test_a_badge_of_the_system_is_not_found_below_it(client: httpx.AsyncClient) -> None:
    await create_badge(client, "system")
    response = await client.post(instances_url("issuer"), json={"email": "e@example.org"})
    assert response.status_code == 404


async def test_second_award_to_the_same_earner_is_a_409_naming_the_first(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    first = await award(client)
    response = await client.post(instances_url(), json={"email": "EARNER@example.org"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "ResourceConflict"
    assert body["message"] == "User earner@example.org has already been awarded badge python-basics"
    assert body["details"] == {"assertionUrl": first["assertionUrl"]}
    assert len(await stored_instances(app)) == 1
    assert len(await event_payloads(app, "award")) == 1


async def test_a_taken_slug_is_a_409(client: httpx.AsyncClient, app: FastAPI) -> None:
    await create_badge(client)
    await award(client, slug="taken")
    response = await client.post(
        instances_url(), json={"email": "other@example.org", "slug": "taken"}
    )
    assert response.status_code == 409
    assert response.json()["details"] == {"slug": "taken"}
    assert len(await stored_instances(app)) == 1


async def test_archived_badge_cannot_be_awarded(client: httpx.AsyncClient, app: FastAPI) -> None:
    await create_badge(client, archived=True)
    response = await client.post(instances_url(), json={"email": "earner@example.org"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "ValidationError"
    assert body["message"] == "Badge `python-basics` is archived: it can no longer be awarded"
    assert body["details"][0]["field"] == "badge"
    assert await stored_instances(app) == []
    assert await event_payloads(app) == []


async def test_badge_limit_counts_standing_awards(client: httpx.AsyncClient, app: FastAPI) -> None:
    await create_badge(client, limit=2)
    await award(client, email="one@example.org")
    await award(client, email="two@example.org")

    response = await client.post(instances_url(), json={"email": "three@example.org"})
    assert response.status_code == 400
    assert response.json()["message"] == "Badge `python-basics` has reached its limit of 2 earners"
    assert len(await stored_instances(app)) == 2

    revoked = await client.delete(f"{instances_url()}/one@example.org")
    assert revoked.status_code == 200
    await award(client, email="three@example.org")


async def test_limit_zero_means_no_limit(client: httpx.AsyncClient) -> None:
    await create_badge(client, limit=0)
    for number in range(3):
        await award(client, email=f"earner{number}@example.org")


async def test_revoked_earner_can_be_awarded_again(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    first = await award(client)
    assert (await client.delete(f"{instances_url()}/earner@example.org")).status_code == 200
    second = await award(client)
    assert second["slug"] != first["slug"]
