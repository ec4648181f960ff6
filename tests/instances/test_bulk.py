"""Bulk awards: `POST .../badges/:slug/instances/bulk` with `{"emails": [...]}`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from tests.factories.badges import LEVELS, create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import (
    award,
    event_payloads,
    instances_url,
    listen_to_events,
    stored_instances,
)


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    await listen_to_events(client)


@pytest.fixture
def max_three_emails(settings: Settings) -> Iterator[None]:
    before = settings.max_bulk_emails
    settings.max_bulk_emails = 3
    yield
    settings.max_bulk_emails = before


def bulk_url(level: str = "system") -> str:
    return f"{instances_url(level)}/bulk"


@pytest.mark.parametrize("level", LEVELS)
async def test_bulk_award_skips_earners_who_hold_the_badge(
    client: httpx.AsyncClient, app: FastAPI, level: str
) -> None:
    await create_badge(client, level)
    held = await award(client, level, email="held@example.org")

    response = await client.post(
        bulk_url(level),
        json={
            "emails": ["new1@example.org", "HELD@example.org", "new2@example.org"],
            "comment": "Summer camp",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "created"
    assert body["skipped"] == [{"email": "held@example.org", "assertionUrl": held["assertionUrl"]}]
    assert [instance["email"] for instance in body["instances"]] == [
        "new1@example.org",
        "new2@example.org",
    ]
    assert all(instance["comment"] == "Summer camp" for instance in body["instances"])
    listing = (await client.get(instances_url(level))).json()["instances"]
    assert listing == [held, *body["instances"]]

    events = await event_payloads(app, "award")
    assert [event["email"] for event in events] == [
        "held@example.org",
        "new1@example.org",
        "new2@example.org",
    ]
    assert events[1]["comment"] == "Summer camp"


async def test_repeated_emails_are_awarded_once(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    response = await client.post(
        bulk_url(), json={"emails": ["a@example.org", "A@example.org", "a@example.org"]}
    )
    assert response.status_code == 201
    assert [item["email"] for item in response.json()["instances"]] == ["a@example.org"]


async def test_urlencoded_bulk_award(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    response = await client.post(
        bulk_url(), data={"emails[]": ["a@example.org", "b@example.org"], "issuedOn": "1400094712"}
    )
    assert response.status_code == 201, response.text
    instances = response.json()["instances"]
    assert [item["email"] for item in instances] == ["a@example.org", "b@example.org"]
    assert {item["issuedOn"] for item in instances} == {"2014-05-14T19:11:52.000Z"}


async def test_one_invalid_email_rejects_the_whole_batch(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    response = await client.post(
        bulk_url(), json={"emails": ["good@example.org", "not an email", "also@example.org"]}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "ValidationError"
    # The original's detail names the field `email` and shows the address.
    assert body["details"] == [
        {"field": "email", "value": "not an email", "message": "Invalid email", "index": 1}
    ]
    assert await stored_instances(app) == []
    assert await event_payloads(app) == []


async def test_every_invalid_entry_is_named(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    response = await client.post(
        bulk_url(), json={"emails": ["a@example.org", 42, None, "@", {"email": "b@example.org"}]}
    )
    assert response.status_code == 400
    assert [
        (item["field"], item["value"], item["index"]) for item in response.json()["details"]
    ] == [
        ("email", 42, 1),
        ("email", None, 2),
        ("email", "@", 3),
        ("email", None, 4),
    ]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"emails": []},
        {"emails": "x"},
        {"emails": "one@example.org"},
        {"emails": {"0": "one@example.org"}},
        {"emails": 7},
        {"emails": None},
    ],
)
async def test_bulk_needs_a_list_of_emails(
    client: httpx.AsyncClient, app: FastAPI, body: dict[str, object]
) -> None:
    await create_badge(client)
    response = await client.post(bulk_url(), json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "ValidationError"
    assert [item["field"] for item in response.json()["details"]] == ["emails"]
    assert await stored_instances(app) == []


async def test_a_single_form_value_is_not_a_list(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    response = await client.post(bulk_url(), data={"emails": "one@example.org"})
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "emails"
    one = await client.post(bulk_url(), data={"emails[]": "one@example.org"})
    assert one.status_code == 201, one.text


@pytest.mark.usefixtures("max_three_emails")
async def test_batch_over_the_limit_is_refused(client: httpx.AsyncClient, app: FastAPI) -> None:
    await create_badge(client)
    emails = [f"earner{number}@example.org" for number in range(4)]
    response = await client.post(bulk_url(), json={"emails": emails})
    assert response.status_code == 400
    assert response.json()["details"] == [
        {"field": "emails", "value": 4, "message": "At most 3 emails can be awarded at once"}
    ]
    assert await stored_instances(app) == []

    response = await client.post(bulk_url(), json={"emails": emails[:3]})
    assert response.status_code == 201


async def test_bulk_that_would_pass_the_badge_limit_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client, limit=3)
    await award(client, email="first@example.org")
    response = await client.post(
        bulk_url(),
        json={"emails": ["first@example.org", "a@example.org", "b@example.org", "c@example.org"]},
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Badge `python-basics` can go to 2 more earners (its limit is 3), not 3"
    )
    assert len(await stored_instances(app)) == 1

    response = await client.post(
        bulk_url(), json={"emails": ["first@example.org", "a@example.org", "b@example.org"]}
    )
    assert response.status_code == 201
    assert len(response.json()["instances"]) == 2


async def test_bulk_award_of_an_archived_badge_is_refused(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client, archived=True)
    response = await client.post(bulk_url(), json={"emails": ["a@example.org"]})
    assert response.status_code == 400
    assert await stored_instances(app) == []


async def test_bulk_where_everyone_holds_the_badge_creates_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    await award(client, email="a@example.org")
    response = await client.post(bulk_url(), json={"emails": ["a@example.org"]})
    assert response.status_code == 201
    assert response.json()["instances"] == []
    assert len(await event_payloads(app, "award")) == 1
