"""Applications (assessment.md) at the three container levels: every documented endpoint,
its body field by field, and its documented errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.factories.assessment import (
    CRITERIA,
    application_path,
    applications_path,
    create_application,
    create_review,
    reviews_path,
)
from tests.factories.badges import LEVEL_PREFIXES, LEVELS, create_badge
from tests.factories.containers import create_tree

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
APPLICATION_FIELDS = [
    "id",
    "slug",
    "learner",
    "created",
    "assignedTo",
    "assignedExpiration",
    "badge",
    "processed",
    "evidence",
]
# The three evidence items of the reference's example listing.
EVIDENCE = [
    {"reflection": "I did things relevant to the badge..."},
    {
        "url": "http://issuersite.com/uploaded-image.jpg",
        "mediaType": "image",
        "reflection": "A picture of my evidence.",
    },
    {
        "url": "http://awebsite.com/evidence.html",
        "mediaType": "link",
        "reflection": "My website where I did things.",
    },
]
SHOWN_EVIDENCE = [
    {"url": None, "mediaType": None, "reflection": "I did things relevant to the badge..."},
    EVIDENCE[1],
    EVIDENCE[2],
]


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


async def shown_badge(client: httpx.AsyncClient, level: str, slug: str) -> dict[str, Any]:
    response = await client.get(f"{LEVEL_PREFIXES[level]}/badges/{slug}")
    assert response.status_code == 200
    return response.json()["badge"]  # type: ignore[no-any-return]


def not_found(model: str, value: str) -> dict[str, str]:
    return {
        "code": "ResourceNotFound",
        "message": f"Could not find {model} field: `slug`, value: `{value}`",
    }


@pytest.mark.parametrize("level", LEVELS)
async def test_submit_answers_201_with_the_documented_application(
    client: httpx.AsyncClient, level: str
) -> None:
    badge = await create_badge(client, level, criteria=CRITERIA)
    before = datetime.now(UTC) - timedelta(seconds=1)
    response = await client.post(
        applications_path(badge["slug"], level),
        json={"learner": "earner@example.com", "evidence": EVIDENCE},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert list(body) == ["status", "application"]
    assert body["status"] == "created"
    application = body["application"]
    assert list(application) == APPLICATION_FIELDS
    assert application == {
        "id": application["id"],
        "slug": application["slug"],
        "learner": "earner@example.com",
        "created": application["created"],
        "assignedTo": None,
        "assignedExpiration": None,
        "badge": await shown_badge(client, level, badge["slug"]),
        "processed": None,
        "evidence": SHOWN_EVIDENCE,
    }
    assert isinstance(application["id"], int)
    assert re.fullmatch(r"[0-9a-f]{32}", application["slug"])
    assert TIMESTAMP.match(application["created"])
    created = datetime.fromisoformat(application["created"].replace("Z", "+00:00"))
    assert before <= created <= datetime.now(UTC)
    badge_at_home = f"{LEVEL_PREFIXES[level]}/badges/{badge['slug']}"
    assert response.headers["location"] == f"{badge_at_home}/applications/{application['slug']}"


@pytest.mark.parametrize("level", LEVELS)
async def test_get_answers_the_application_as_submitted(
    client: httpx.AsyncClient, level: str
) -> None:
    badge = await create_badge(client, level)
    submitted = await create_application(
        client,
        badge["slug"],
        level,
        evidence=EVIDENCE,
        assignedTo="reviewer@issuersite.com",
        assignedExpiration="2030-01-02T03:04:05.678Z",
    )
    response = await client.get(application_path(badge["slug"], submitted["slug"], level))
    assert response.status_code == 200
    assert response.json() == {"application": submitted}
    assert submitted["assignedTo"] == "reviewer@issuersite.com"
    assert submitted["assignedExpiration"] == "2030-01-02T03:04:05.678Z"


@pytest.mark.parametrize("level", LEVELS)
async def test_lists_answer_applications_oldest_first(
    client: httpx.AsyncClient, level: str
) -> None:
    badge = await create_badge(client, level)
    first = await create_application(client, badge["slug"], level, learner="a@example.org")
    second = await create_application(client, badge["slug"], level, learner="b@example.org")
    for path in (applications_path(badge["slug"], level), f"{LEVEL_PREFIXES[level]}/applications"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.json() == {"applications": [first, second]}


@pytest.mark.parametrize("level", LEVELS)
async def test_pages_carry_page_data(client: httpx.AsyncClient, level: str) -> None:
    badge = await create_badge(client, level)
    created = [
        await create_application(client, badge["slug"], level, learner=f"l{n}@example.org")
        for n in range(4)
    ]
    for path in (applications_path(badge["slug"], level), f"{LEVEL_PREFIXES[level]}/applications"):
        response = await client.get(f"{path}?count=2&page=2")
        assert response.json() == {
            "applications": created[2:],
            "pageData": {"page": 2, "count": 2, "total": 4},
        }
        past_the_end = (await client.get(f"{path}?count=2&page=3")).json()
        assert past_the_end == {"applications": [], "pageData": {"page": 3, "count": 2, "total": 4}}


@pytest.mark.parametrize("level", LEVELS)
async def test_update_changes_only_the_fields_given(client: httpx.AsyncClient, level: str) -> None:
    badge = await create_badge(client, level)
    submitted = await create_application(client, badge["slug"], level, evidence=EVIDENCE)
    path = application_path(badge["slug"], submitted["slug"], level)
    response = await client.put(path, json={"processed": "2014-05-06T12:24:45.000Z"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["status", "application"]
    assert body == {
        "status": "updated",
        "application": {**submitted, "processed": "2014-05-06T12:24:45.000Z"},
    }
    assert (await client.get(path)).json() == {"application": body["application"]}


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("2014-05-06T12:24:45.000Z", "2014-05-06T12:24:45.000Z"),
        ("2014-05-06T14:24:45+02:00", "2014-05-06T12:24:45.000Z"),
        ("2014-05-06T12:24:45", "2014-05-06T12:24:45.000Z"),
        ("2014-05-06", "2014-05-06T00:00:00.000Z"),
        (1399379085, "2014-05-06T12:24:45.000Z"),
        ("1399379085", "2014-05-06T12:24:45.000Z"),
        (1399379085123, "2014-05-06T12:24:45.123Z"),
    ],
)
async def test_processed_accepts_iso_8601_and_unix_time(
    client: httpx.AsyncClient, sent: Any, shown: str
) -> None:
    badge = await create_badge(client)
    submitted = await create_application(client, badge["slug"])
    response = await client.put(
        application_path(badge["slug"], submitted["slug"]), json={"processed": sent}
    )
    assert response.status_code == 200, response.text
    assert response.json()["application"]["processed"] == shown


async def test_processed_null_marks_the_application_pending_again(
    client: httpx.AsyncClient,
) -> None:
    badge = await create_badge(client)
    submitted = await create_application(client, badge["slug"])
    path = application_path(badge["slug"], submitted["slug"])
    await client.put(path, json={"processed": 1399379085})
    response = await client.put(path, json={"processed": None})
    assert response.json()["application"]["processed"] is None
    assert (await client.get(path)).json()["application"]["processed"] is None


async def test_update_can_change_the_learner(client: httpx.AsyncClient) -> None:
    badge = await create_badge(client)
    submitted = await create_application(client, badge["slug"])
    response = await client.put(
        application_path(badge["slug"], submitted["slug"]), json={"learner": "other@example.org"}
    )
    assert response.json()["application"] == {**submitted, "learner": "other@example.org"}


@pytest.mark.parametrize("level", LEVELS)
async def test_delete_answers_the_deleted_application_and_removes_it(
    client: httpx.AsyncClient, level: str
) -> None:
    badge = await create_badge(client, level, criteria=CRITERIA)
    submitted = await create_application(client, badge["slug"], level, evidence=EVIDENCE)
    await create_review(client, badge["slug"], submitted["slug"], level)
    path = application_path(badge["slug"], submitted["slug"], level)
    response = await client.delete(path)
    assert response.status_code == 200
    assert response.json() == {"status": "deleted", "application": submitted}
    missing = await client.get(path)
    assert missing.status_code == 404
    assert missing.json() == not_found("application", submitted["slug"])
    assert (await client.get(applications_path(badge["slug"], level))).json() == {
        "applications": []
    }
    reviews = await client.get(reviews_path(badge["slug"], submitted["slug"], level))
    assert reviews.status_code == 404
    assert (await client.delete(path)).status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("level", LEVELS)
async def test_an_unknown_application_is_the_documented_404(
    client: httpx.AsyncClient, method: str, level: str
) -> None:
    badge = await create_badge(client, level)
    response = await client.request(
        method,
        application_path(badge["slug"], "no-such-application", level),
        json={"processed": 1} if method == "PUT" else None,
    )
    assert response.status_code == 404
    assert response.json() == not_found("application", "no-such-application")


async def test_an_application_is_found_only_under_its_own_badge(client: httpx.AsyncClient) -> None:
    mine = await create_badge(client, name="Mine")
    other = await create_badge(client, name="Other")
    submitted = await create_application(client, mine["slug"])
    for method in ("GET", "PUT", "DELETE"):
        response = await client.request(
            method,
            application_path(other["slug"], submitted["slug"]),
            json={"processed": 1} if method == "PUT" else None,
        )
        assert response.status_code == 404
        assert response.json() == not_found("application", submitted["slug"])
    assert (await client.get(applications_path(other["slug"]))).json() == {"applications": []}
    assert (await client.get(application_path(mine["slug"], submitted["slug"]))).json()[
        "application"
    ] == submitted


async def test_an_application_is_found_only_in_its_own_system(client: httpx.AsyncClient) -> None:
    badge = await create_badge(client)
    submitted = await create_application(client, badge["slug"])
    await client.post(
        "/systems", json={"slug": "boston", "name": "Boston", "url": "https://boston.example.org"}
    )
    elsewhere = f"/systems/boston/badges/{badge['slug']}/applications/{submitted['slug']}"
    response = await client.get(elsewhere)
    assert response.status_code == 404
    assert response.json() == not_found("badge", badge["slug"])
    assert (await client.get("/systems/boston/applications")).json() == {"applications": []}


async def test_a_badge_out_of_the_container_in_the_path_is_not_found(
    client: httpx.AsyncClient,
) -> None:
    badge = await create_badge(client, "system")
    submitted = await create_application(client, badge["slug"])
    response = await client.get(application_path(badge["slug"], submitted["slug"], "program"))
    assert response.status_code == 404
    assert response.json() == not_found("badge", badge["slug"])
    post = await client.post(
        applications_path(badge["slug"], "issuer"), json={"learner": "earner@example.org"}
    )
    assert post.status_code == 404


async def test_unknown_containers_are_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/systems/nowhere/applications")).json() == not_found(
        "system", "nowhere"
    )
    response = await client.get("/systems/chicago/issuers/nobody/applications")
    assert response.json() == not_found("issuer", "nobody")


async def test_requests_must_be_signed(anon: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    badge = await create_badge(client)
    response = await anon.post(applications_path(badge["slug"]), json={"learner": "a@b.org"})
    assert response.status_code == 403
    assert response.json()["code"] == "NotAuthorized"
    assert (await client.get(applications_path(badge["slug"]))).json() == {"applications": []}
