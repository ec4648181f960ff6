"""Review input in every encoding, and bad input: the documented 400, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.assessment import CRITERIA, create_application, create_review, reviews_path
from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.webhooks.support import add_webhook, outbox_rows


@pytest.fixture
async def setup(client: httpx.AsyncClient) -> tuple[str, list[int], str]:
    """(badge slug, its criterion ids, an application slug), with a webhook registered."""
    await create_tree(client)
    badge = await create_badge(client, criteria=CRITERIA)
    application = await create_application(client, badge["slug"])
    await add_webhook(client)
    return badge["slug"], [criterion["id"] for criterion in badge["criteria"]], application["slug"]


async def nothing_written(client: httpx.AsyncClient, app: FastAPI, path: str) -> None:
    assert (await client.get(path)).json() == {"reviews": []}
    assert await outbox_rows(app) == []


@pytest.mark.parametrize("author", ["not-an-email", "", None, 7])
async def test_a_bad_author_is_the_documented_400(
    client: httpx.AsyncClient, app: FastAPI, setup: tuple[str, list[int], str], author: Any
) -> None:
    badge, _, application = setup
    path = reviews_path(badge, application)
    response = await client.post(path, json={"author": author, "comment": "fine"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "ValidationError",
        "message": "Could not validate required fields",
        "details": [{"message": "Invalid email", "field": "author", "value": author}],
    }
    await nothing_written(client, app, path)


async def test_a_missing_author_is_a_400(
    client: httpx.AsyncClient, app: FastAPI, setup: tuple[str, list[int], str]
) -> None:
    badge, _, application = setup
    path = reviews_path(badge, application)
    response = await client.post(path, json={"comment": "no author"})
    assert response.status_code == 400
    assert response.json()["details"] == [
        {"field": "author", "value": None, "message": "Missing required field"}
    ]
    await nothing_written(client, app, path)


async def test_an_item_for_a_criterion_of_another_badge_is_a_400(
    client: httpx.AsyncClient, app: FastAPI, setup: tuple[str, list[int], str]
) -> None:
    badge, criteria, application = setup
    other = await create_badge(client, name="Other", criteria=[{"description": "Elsewhere"}])
    foreign = other["criteria"][0]["id"]
    path = reviews_path(badge, application)
    response = await client.post(
        path,
        json={
            "author": "r@example.org",
            "reviewItems": [
                {"criterionId": criteria[0], "satisfied": True},
                {"criterionId": foreign, "satisfied": True},
                {"criterionId": 987654, "satisfied": False},
            ],
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "ValidationError",
        "message": "Could not validate required fields",
        "details": [
            {
                "field": "reviewItems.1.criterionId",
                "value": foreign,
                "message": "Not a criterion of the badge applied for",
            },
            {
                "field": "reviewItems.2.criterionId",
                "value": 987654,
                "message": "Not a criterion of the badge applied for",
            },
        ],
    }
    await nothing_written(client, app, path)


async def test_one_criterion_reviewed_twice_is_a_400(
    client: httpx.AsyncClient, app: FastAPI, setup: tuple[str, list[int], str]
) -> None:
    badge, criteria, application = setup
    path = reviews_path(badge, application)
    twice = [
        {"criterionId": criteria[0], "satisfied": True},
        {"criterionId": criteria[0], "satisfied": False},
    ]
    response = await client.post(path, json={"author": "r@example.org", "reviewItems": twice})
    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["details"]] == [
        "reviewItems.1.criterionId"
    ]
    await nothing_written(client, app, path)


@pytest.mark.parametrize(
    ("items", "field"),
    [
        (lambda _criterion: "all good", "reviewItems"),
        (lambda criterion: {"criterionId": criterion}, "reviewItems"),
        (lambda _criterion: [{"satisfied": True}], "reviewItems.0.criterionId"),
        (lambda _criterion: [{"criterionId": "first"}], "reviewItems.0.criterionId"),
        (
            lambda criterion: [{"criterionId": criterion, "satisfied": "maybe"}],
            "reviewItems.0.satisfied",
        ),
        (
            lambda criterion: [{"criterionId": criterion, "comment": "x" * 10_001}],
            "reviewItems.0.comment",
        ),
        (lambda criterion: [criterion], "reviewItems.0"),
    ],
)
async def test_malformed_review_items_are_a_400(
    client: httpx.AsyncClient,
    app: FastAPI,
    setup: tuple[str, list[int], str],
    items: Callable[[int], Any],
    field: str,
) -> None:
    badge, criteria, application = setup
    path = reviews_path(badge, application)
    response = await client.post(
        path, json={"author": "r@example.org", "reviewItems": items(criteria[0])}
    )
    assert response.status_code == 400, response.text
    assert [detail["field"] for detail in response.json()["details"]] == [field]
    await nothing_written(client, app, path)


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        (True, 1),
        (False, 0),
        (1, 1),
        (0, 0),
        ("true", 1),
        ("false", 0),
        ("1", 1),
        ("0", 0),
    ],
)
async def test_satisfied_accepts_booleans_numbers_and_strings(
    client: httpx.AsyncClient, setup: tuple[str, list[int], str], sent: Any, shown: int
) -> None:
    badge, criteria, application = setup
    review = await create_review(
        client,
        badge,
        application,
        reviewItems=[{"criterionId": criteria[0], "satisfied": sent}],
    )
    assert review["reviewItems"] == [
        {"criterionId": criteria[0], "satisfied": shown, "comment": None}
    ]


async def test_submit_urlencoded(
    client: httpx.AsyncClient, setup: tuple[str, list[int], str]
) -> None:
    badge, criteria, application = setup
    content = urlencode(
        {
            "author": "reviewer@example.org",
            "comment": "Good work",
            "reviewItems[0][criterionId]": str(criteria[0]),
            "reviewItems[0][satisfied]": "true",
            "reviewItems[0][comment]": "Yes",
            "reviewItems[1][criterionId]": str(criteria[1]),
            "reviewItems[1][satisfied]": "0",
            "reviewItems[2][criterionId]": str(criteria[2]),
            "reviewItems[2][satisfied]": "on",
            "reviewItems[2][comment]": "",
        }
    )
    response = await client.post(
        reviews_path(badge, application),
        content=content,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 201, response.text
    review = response.json()["review"]
    assert (review["author"], review["comment"]) == ("reviewer@example.org", "Good work")
    assert review["reviewItems"] == [
        {"criterionId": criteria[0], "satisfied": 1, "comment": "Yes"},
        {"criterionId": criteria[1], "satisfied": 0, "comment": None},
        {"criterionId": criteria[2], "satisfied": 1, "comment": None},
    ]


async def test_submit_multipart_where_an_unticked_box_sends_nothing(
    client: httpx.AsyncClient, setup: tuple[str, list[int], str]
) -> None:
    badge, criteria, application = setup
    response = await client.post(
        reviews_path(badge, application),
        data={
            "author": "reviewer@example.org",
            "reviewItems[0][criterionId]": str(criteria[0]),
            "reviewItems[0][satisfied]": "1",
            "reviewItems[1][criterionId]": str(criteria[1]),
        },
        files={"attachment": ("ignored.txt", b"unknown fields are ignored", "text/plain")},
    )
    assert response.status_code == 201, response.text
    assert response.json()["review"]["reviewItems"] == [
        {"criterionId": criteria[0], "satisfied": 1, "comment": None},
        {"criterionId": criteria[1], "satisfied": 0, "comment": None},
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"author": "nope"},
        {"author": None},
        {"reviewItems": [{"criterionId": 987654, "satisfied": True}]},
        {"reviewItems": "all of them"},
    ],
)
async def test_a_bad_update_is_a_400_that_changes_nothing(
    client: httpx.AsyncClient,
    app: FastAPI,
    setup: tuple[str, list[int], str],
    body: dict[str, Any],
) -> None:
    badge, criteria, application = setup
    review = await create_review(
        client,
        badge,
        application,
        comment="kept",
        reviewItems=[{"criterionId": criteria[0], "satisfied": True}],
    )
    events_before = len(await outbox_rows(app))
    path = f"{reviews_path(badge, application)}/{review['slug']}"
    response = await client.put(path, json={"comment": "changed", **body})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "ValidationError"
    assert (await client.get(path)).json() == {"review": review}
    assert len(await outbox_rows(app)) == events_before
