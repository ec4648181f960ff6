"""Reviews (assessment.md) at the three container levels: every documented endpoint, its
body field by field, and its documented errors."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.factories.assessment import (
    CRITERIA,
    application_path,
    create_application,
    create_review,
    reviews_path,
)
from tests.factories.badges import LEVEL_PREFIXES, LEVELS, create_badge
from tests.factories.containers import create_tree

REVIEW_FIELDS = ["id", "slug", "author", "comment", "reviewItems"]


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


async def applied(client: httpx.AsyncClient, level: str = "system") -> tuple[dict[str, Any], str]:
    """A badge with three criteria at `level` and an application for it: (badge, app slug)."""
    badge = await create_badge(client, level, criteria=CRITERIA)
    application = await create_application(client, badge["slug"], level)
    return badge, application["slug"]


def items_for(
    badge: dict[str, Any], *verdicts: tuple[int, Any, str | None]
) -> list[dict[str, Any]]:
    """Review items for the badge's criteria by position: (index, satisfied, comment)."""
    return [
        {"criterionId": badge["criteria"][index]["id"], "satisfied": satisfied, "comment": comment}
        for index, satisfied, comment in verdicts
    ]


def not_found(value: str) -> dict[str, str]:
    return {
        "code": "ResourceNotFound",
        "message": f"Could not find review field: `slug`, value: `{value}`",
    }


@pytest.mark.parametrize("level", LEVELS)
async def test_submit_answers_201_with_the_documented_review(
    client: httpx.AsyncClient, level: str
) -> None:
    badge, application = await applied(client, level)
    sent = items_for(badge, (0, True, "perfect"), (1, 1, None), (2, False, "missing"))
    response = await client.post(
        reviews_path(badge["slug"], application, level),
        json={
            "author": "reviewer@issuersite.com",
            "comment": "fantastic work",
            "reviewItems": sent,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert list(body) == ["status", "review"]
    review = body["review"]
    assert list(review) == REVIEW_FIELDS
    assert body == {
        "status": "created",
        "review": {
            "id": review["id"],
            "slug": review["slug"],
            "author": "reviewer@issuersite.com",
            "comment": "fantastic work",
            "reviewItems": items_for(badge, (0, 1, "perfect"), (1, 1, None), (2, 0, "missing")),
        },
    }
    assert isinstance(review["id"], int)
    assert re.fullmatch(r"[0-9a-f]{32}", review["slug"])
    badge_at_home = f"{LEVEL_PREFIXES[level]}/badges/{badge['slug']}"
    assert response.headers["location"] == (
        f"{badge_at_home}/applications/{application}/reviews/{review['slug']}"
    )


@pytest.mark.parametrize("level", LEVELS)
async def test_get_answers_the_review_as_submitted(client: httpx.AsyncClient, level: str) -> None:
    badge, application = await applied(client, level)
    review = await create_review(
        client, badge["slug"], application, level, reviewItems=items_for(badge, (0, True, "ok"))
    )
    response = await client.get(
        f"{reviews_path(badge['slug'], application, level)}/{review['slug']}"
    )
    assert response.status_code == 200
    assert response.json() == {"review": review}


@pytest.mark.parametrize("level", LEVELS)
async def test_list_answers_reviews_oldest_first_with_page_data_when_paged(
    client: httpx.AsyncClient, level: str
) -> None:
    badge, application = await applied(client, level)
    reviews = [
        await create_review(
            client, badge["slug"], application, level, author=f"r{number}@example.org"
        )
        for number in range(4)
    ]
    path = reviews_path(badge["slug"], application, level)
    assert (await client.get(path)).json() == {"reviews": reviews}
    assert (await client.get(f"{path}?count=2&page=1")).json() == {
        "reviews": reviews[:2],
        "pageData": {"page": 1, "count": 2, "total": 4},
    }


async def test_a_review_without_items_or_comment(client: httpx.AsyncClient) -> None:
    badge, application = await applied(client)
    review = await create_review(client, badge["slug"], application)
    assert review == {
        "id": review["id"],
        "slug": review["slug"],
        "author": "reviewer@example.org",
        "comment": None,
        "reviewItems": [],
    }


@pytest.mark.parametrize("level", LEVELS)
async def test_update_changes_only_the_fields_given(client: httpx.AsyncClient, level: str) -> None:
    badge, application = await applied(client, level)
    review = await create_review(
        client,
        badge["slug"],
        application,
        level,
        comment="fantastic work",
        reviewItems=items_for(badge, (0, True, "perfect")),
    )
    path = f"{reviews_path(badge['slug'], application, level)}/{review['slug']}"
    response = await client.put(path, json={"author": "someoneelse@issuersite.com"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["status", "review"]
    assert body == {
        "status": "updated",
        "review": {**review, "author": "someoneelse@issuersite.com"},
    }
    assert (await client.get(path)).json() == {"review": body["review"]}


async def test_update_with_review_items_replaces_them(client: httpx.AsyncClient) -> None:
    badge, application = await applied(client)
    review = await create_review(
        client, badge["slug"], application, reviewItems=items_for(badge, (0, False, "not yet"))
    )
    path = f"{reviews_path(badge['slug'], application)}/{review['slug']}"
    replaced = items_for(badge, (0, True, "now yes"), (1, True, None))
    response = await client.put(path, json={"reviewItems": replaced, "comment": None})
    assert response.json()["review"] == {
        **review,
        "comment": None,
        "reviewItems": items_for(badge, (0, 1, "now yes"), (1, 1, None)),
    }
    cleared = await client.put(path, json={"reviewItems": []})
    assert cleared.json()["review"]["reviewItems"] == []


@pytest.mark.parametrize("level", LEVELS)
async def test_delete_answers_the_review_under_badge_and_review(
    client: httpx.AsyncClient, level: str
) -> None:
    badge, application = await applied(client, level)
    review = await create_review(
        client, badge["slug"], application, level, reviewItems=items_for(badge, (1, True, "ok"))
    )
    path = f"{reviews_path(badge['slug'], application, level)}/{review['slug']}"
    response = await client.delete(path)
    assert response.status_code == 200
    assert response.json() == {"status": "deleted", "badge": review, "review": review}
    missing = await client.get(path)
    assert missing.status_code == 404
    assert missing.json() == not_found(review["slug"])
    assert (await client.get(reviews_path(badge["slug"], application, level))).json() == {
        "reviews": []
    }
    shown = (await client.get(application_path(badge["slug"], application, level))).json()
    assert shown["application"]["slug"] == application


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("level", LEVELS)
async def test_an_unknown_review_is_the_documented_404(
    client: httpx.AsyncClient, method: str, level: str
) -> None:
    badge, application = await applied(client, level)
    response = await client.request(
        method,
        f"{reviews_path(badge['slug'], application, level)}/no-such-review",
        json={"comment": "x"} if method == "PUT" else None,
    )
    assert response.status_code == 404
    assert response.json() == not_found("no-such-review")


async def test_a_review_is_found_only_under_its_own_application(
    client: httpx.AsyncClient,
) -> None:
    badge, mine = await applied(client)
    other = (await create_application(client, badge["slug"], learner="x@example.org"))["slug"]
    review = await create_review(client, badge["slug"], mine)
    for method in ("GET", "PUT", "DELETE"):
        response = await client.request(
            method,
            f"{reviews_path(badge['slug'], other)}/{review['slug']}",
            json={"comment": "x"} if method == "PUT" else None,
        )
        assert response.status_code == 404
        assert response.json() == not_found(review["slug"])
    assert (await client.get(reviews_path(badge["slug"], other))).json() == {"reviews": []}


async def test_reviews_of_an_unknown_or_deleted_application_are_404(
    client: httpx.AsyncClient,
) -> None:
    badge, application = await applied(client)
    review = await create_review(client, badge["slug"], application)
    await client.delete(application_path(badge["slug"], application))
    expected = {
        "code": "ResourceNotFound",
        "message": f"Could not find application field: `slug`, value: `{application}`",
    }
    for method, path in [
        ("GET", reviews_path(badge["slug"], application)),
        ("POST", reviews_path(badge["slug"], application)),
        ("GET", f"{reviews_path(badge['slug'], application)}/{review['slug']}"),
        ("PUT", f"{reviews_path(badge['slug'], application)}/{review['slug']}"),
        ("DELETE", f"{reviews_path(badge['slug'], application)}/{review['slug']}"),
    ]:
        response = await client.request(
            method, path, json={"author": "r@example.org"} if method in ("POST", "PUT") else None
        )
        assert response.status_code == 404, (method, path)
        assert response.json() == expected


async def test_an_application_under_another_badge_has_no_reviews_there(
    client: httpx.AsyncClient,
) -> None:
    badge, application = await applied(client)
    other = await create_badge(client, name="Other")
    response = await client.post(
        reviews_path(other["slug"], application), json={"author": "r@example.org"}
    )
    assert response.status_code == 404
    assert response.json()["message"] == (
        f"Could not find application field: `slug`, value: `{application}`"
    )
    assert (await client.get(reviews_path(badge["slug"], application))).json() == {"reviews": []}
