"""Bad application input: the documented 400 body, and nothing written or changed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories.assessment import application_path, applications_path, create_application
from tests.factories.badges import create_badge
from tests.factories.containers import create_tree


@pytest.fixture(autouse=True)
async def badge(client: httpx.AsyncClient) -> str:
    await create_tree(client)
    return (await create_badge(client))["slug"]  # type: ignore[no-any-return]


def invalid(*details: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": "ValidationError",
        "message": "Could not validate required fields",
        "details": list(details),
    }


@pytest.mark.parametrize("learner", ["not-an-email", "earner@", "@example.org", 42, "", None])
async def test_a_bad_learner_is_the_documented_400(
    client: httpx.AsyncClient, badge: str, learner: Any
) -> None:
    response = await client.post(applications_path(badge), json={"learner": learner})
    assert response.status_code == 400
    assert response.json() == invalid(
        {"field": "learner", "value": learner, "message": "Invalid email"}
    )
    assert (await client.get(applications_path(badge))).json() == {"applications": []}


async def test_a_missing_learner_is_a_400(client: httpx.AsyncClient, badge: str) -> None:
    for body in ({}, {"evidence": [{"reflection": "r"}]}):
        response = await client.post(applications_path(badge), json=body)
        assert response.status_code == 400
        assert response.json() == invalid(
            {"field": "learner", "value": None, "message": "Missing required field"}
        )
    empty = await client.post(applications_path(badge))
    assert empty.status_code == 400
    assert empty.json()["details"][0]["field"] == "learner"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"assignedTo": "not-an-email"}, "assignedTo"),
        ({"assignedExpiration": "next tuesday"}, "assignedExpiration"),
        ({"assignedExpiration": True}, "assignedExpiration"),
        ({"assignedExpiration": "0999-12-31T00:00:00Z"}, "assignedExpiration"),
    ],
)
async def test_bad_assignment_fields_are_a_400(
    client: httpx.AsyncClient, badge: str, fields: dict[str, Any], field: str
) -> None:
    response = await client.post(
        applications_path(badge), json={"learner": "earner@example.org", **fields}
    )
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "ValidationError"
    assert [detail["field"] for detail in body["details"]] == [field]
    assert (await client.get(applications_path(badge))).json() == {"applications": []}


async def test_every_bad_field_is_reported_at_once(client: httpx.AsyncClient, badge: str) -> None:
    response = await client.post(
        applications_path(badge),
        json={"learner": "x", "assignedTo": "y", "evidence": [{"mediaType": "film"}]},
    )
    fields = {detail["field"] for detail in response.json()["details"]}
    assert fields == {"learner", "assignedTo", "evidence.0.mediaType"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"learner": "not-an-email"}, "learner"),
        ({"learner": None}, "learner"),
        ({"assignedTo": "nope"}, "assignedTo"),
        ({"processed": "yesterday"}, "processed"),
        ({"processed": True}, "processed"),
        ({"assignedExpiration": [1]}, "assignedExpiration"),
    ],
)
async def test_a_bad_update_is_a_400_that_changes_nothing(
    client: httpx.AsyncClient, badge: str, fields: dict[str, Any], field: str
) -> None:
    submitted = await create_application(client, badge, evidence=[{"reflection": "kept"}])
    path = application_path(badge, submitted["slug"])
    response = await client.put(path, json={"assignedTo": "someone@example.org", **fields})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "ValidationError"
    assert [detail["field"] for detail in body["details"]] == [field]
    assert (await client.get(path)).json() == {"application": submitted}


async def test_the_documented_update_error_names_the_learner(
    client: httpx.AsyncClient, badge: str
) -> None:
    submitted = await create_application(client, badge)
    response = await client.put(application_path(badge, submitted["slug"]), json={"learner": "x"})
    assert response.json() == invalid(
        {"message": "Invalid email", "field": "learner", "value": "x"}
    )


async def test_malformed_bodies_are_a_400(client: httpx.AsyncClient, badge: str) -> None:
    for content in (b"{not json", b"[1, 2]"):
        response = await client.post(
            applications_path(badge),
            content=content,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["code"] == "ValidationError"


async def test_emails_are_stored_lower_cased_and_unknown_fields_ignored(
    client: httpx.AsyncClient, badge: str
) -> None:
    response = await client.post(
        applications_path(badge),
        json={
            "learner": "  Earner@EXAMPLE.org ",
            "assignedTo": "Reviewer@Example.ORG",
            "id": 999,
            "slug": "mine",
            "created": "2000-01-01T00:00:00Z",
            "processed": "2000-01-01T00:00:00Z",
        },
    )
    assert response.status_code == 201, response.text
    application = response.json()["application"]
    assert application["learner"] == "earner@example.org"
    assert application["assignedTo"] == "reviewer@example.org"
    assert application["id"] != 999
    assert application["slug"] != "mine"
    assert application["processed"] is None
    assert not application["created"].startswith("2000")
