"""Milestones acting on awards: issuing the primary badge or queueing an application."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import (
    award,
    create_milestone,
    event_payloads,
    instances_url,
    listen_to_events,
    stored_applications,
)

EARNER = "earner@example.org"


@pytest.fixture
async def badges(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    await create_tree(client)
    await listen_to_events(client)
    return {
        "primary": await create_badge(client, "issuer", name="Master Reader"),
        "one": await create_badge(client, "system", name="Reader One"),
        "two": await create_badge(client, "issuer", name="Reader Two"),
        "three": await create_badge(client, "program", name="Reader Three"),
    }


async def held_badges(client: httpx.AsyncClient, email: str = EARNER) -> list[str]:
    response = await client.get(f"/systems/chicago/instances/{email}")
    return [instance["badge"]["slug"] for instance in response.json()["instances"]]


async def test_reaching_number_required_issues_the_primary_badge(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(
        client, badges["primary"], [badges["one"], badges["two"], badges["three"]], 2
    )
    await award(client, badge="reader-one")
    assert await held_badges(client) == ["reader-one"]

    await award(client, badge="reader-two")
    assert await held_badges(client) == ["reader-one", "reader-two", "master-reader"]

    await award(client, badge="reader-three")
    assert await held_badges(client) == [
        "reader-one",
        "reader-two",
        "master-reader",
        "reader-three",
    ]


async def test_a_milestone_needing_more_badges_than_it_has_is_earned_once_they_are_added(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"]], 2)
    await award(client, badge="reader-one")
    assert await held_badges(client) == ["reader-one"]

    url = f"/systems/chicago/milestones/{milestone['id']}/add-badge"
    assert (await client.post(url, json={"badgeId": badges["two"]["id"]})).status_code == 200
    await award(client, badge="reader-two")
    assert await held_badges(client) == ["reader-one", "reader-two", "master-reader"]


async def test_milestone_award_event_names_the_primary_badge(
    client: httpx.AsyncClient, app: FastAPI, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(client, badges["primary"], [badges["one"]])
    await award(client, badge="reader-one")

    events = await event_payloads(app, "award")
    assert [event["badge"]["slug"] for event in events] == ["reader-one", "master-reader"]
    primary = (await client.get(f"{instances_url(badge='master-reader')}/{EARNER}")).json()
    assert events[1] == {
        "action": "award",
        "uid": primary["instance"]["slug"],
        "badge": primary["instance"]["badge"],
        "email": EARNER,
        "assertionUrl": primary["instance"]["assertionUrl"],
        "credentialUrl": primary["instance"]["assertionUrl"] + "?v=3",
        "issuedOn": events[1]["issuedOn"],
        "comment": None,
    }
    assert isinstance(events[1]["issuedOn"], int)


async def test_an_earner_who_holds_the_primary_is_skipped(
    client: httpx.AsyncClient, app: FastAPI, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(client, badges["primary"], [badges["one"]])
    await award(client, badge="master-reader")
    await award(client, badge="reader-one")
    assert await held_badges(client) == ["master-reader", "reader-one"]
    assert len(await event_payloads(app, "award")) == 2


async def test_revoked_support_badges_do_not_count(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(client, badges["primary"], [badges["one"], badges["two"]])
    await award(client, badge="reader-one")
    await client.delete(f"{instances_url(badge='reader-one')}/{EARNER}")
    await award(client, badge="reader-two")
    assert await held_badges(client) == ["reader-two"]


async def test_other_earners_support_badges_do_not_count(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(client, badges["primary"], [badges["one"], badges["two"]])
    await award(client, badge="reader-one", email="someone@example.org")
    await award(client, badge="reader-two")
    assert await held_badges(client) == ["reader-two"]


async def test_bulk_awards_complete_milestones_per_earner(
    client: httpx.AsyncClient, app: FastAPI, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(client, badges["primary"], [badges["one"], badges["two"]])
    await award(client, badge="reader-one", email="a@example.org")
    await award(client, badge="reader-one", email="c@example.org")
    response = await client.post(
        f"{instances_url(badge='reader-two')}/bulk",
        json={"emails": ["a@example.org", "b@example.org", "c@example.org"]},
    )
    assert response.status_code == 201
    assert await held_badges(client, "a@example.org") == [
        "reader-one",
        "reader-two",
        "master-reader",
    ]
    assert await held_badges(client, "b@example.org") == ["reader-two"]
    assert "master-reader" in await held_badges(client, "c@example.org")
    primaries = [
        event["email"]
        for event in await event_payloads(app, "award")
        if event["badge"]["slug"] == "master-reader"
    ]
    assert primaries == ["a@example.org", "c@example.org"]


async def test_milestones_chain(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    grand = await create_badge(client, name="Grand Reader")
    await create_milestone(client, badges["primary"], [badges["one"]])
    await create_milestone(client, grand, [badges["primary"], badges["two"]])
    await award(client, badge="reader-two")
    await award(client, badge="reader-one")
    assert await held_badges(client) == [
        "reader-two",
        "reader-one",
        "master-reader",
        "grand-reader",
    ]


async def test_cyclic_milestones_stop(
    client: httpx.AsyncClient, app: FastAPI, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(client, badges["two"], [badges["one"]])
    await create_milestone(client, badges["one"], [badges["two"]])
    await award(client, badge="reader-one")
    assert await held_badges(client) == ["reader-one", "reader-two"]
    assert len(await event_payloads(app, "award")) == 2


async def test_an_archived_primary_is_not_issued(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(client, badges["primary"], [badges["one"]])
    archived = await client.put(
        "/systems/chicago/issuers/library/badges/master-reader", json={"archived": True}
    )
    assert archived.status_code == 200
    await award(client, badge="reader-one")
    assert await held_badges(client) == ["reader-one"]


async def test_a_full_primary_is_not_issued_and_the_award_stands(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(client, badges["primary"], [badges["one"]])
    limited = await client.put(
        "/systems/chicago/issuers/library/badges/master-reader", json={"limit": 1}
    )
    assert limited.status_code == 200
    await award(client, badge="master-reader", email="first@example.org")
    await award(client, badge="reader-one")
    assert await held_badges(client) == ["reader-one"]


async def test_queue_application_files_one_application(
    client: httpx.AsyncClient, app: FastAPI, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(
        client, badges["primary"], [badges["one"], badges["two"]], 1, action="queue-application"
    )
    await award(client, badge="reader-one", email="Earner@Example.org")
    await award(client, badge="reader-two")

    [application] = await stored_applications(app)
    assert application.badge_id == badges["primary"]["id"]
    assert application.learner == EARNER
    assert application.processed is None
    assert len(application.slug) == 32
    assert await held_badges(client) == ["reader-one", "reader-two"]
    assert [event["badge"]["slug"] for event in await event_payloads(app, "award")] == [
        "reader-one",
        "reader-two",
    ]


async def test_queue_application_skips_holders_of_the_primary(
    client: httpx.AsyncClient, app: FastAPI, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(
        client, badges["primary"], [badges["one"]], 1, action="queue-application"
    )
    await award(client, badge="master-reader")
    await award(client, badge="reader-one")
    assert await stored_applications(app) == []


async def test_a_failed_award_leaves_no_milestone_behind(
    client: httpx.AsyncClient, app: FastAPI, badges: dict[str, dict[str, Any]]
) -> None:
    await create_milestone(client, badges["primary"], [badges["one"]])
    response = await client.post(
        instances_url(badge="reader-one"), json={"email": EARNER, "claimCode": "missing"}
    )
    assert response.status_code == 404
    assert await held_badges(client) == []
    assert await event_payloads(app) == []
