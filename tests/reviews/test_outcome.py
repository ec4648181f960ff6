"""Whether a review approves, and the `review` webhook event (webhooks.md) it queues."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI

from badgekit_api.reviews.outcome import approves
from tests.factories.assessment import (
    application_path,
    create_application,
    create_review,
    reviews_path,
)
from tests.factories.badges import create_badge
from tests.factories.containers import create_system, create_tree
from tests.webhooks.support import add_webhook, outbox_rows

REQUIRED_AND_OPTIONAL = [
    {"description": "Required one", "required": True},
    {"description": "Required two", "required": True},
    {"description": "Optional", "required": False},
]
NONE_REQUIRED = [
    {"description": "First", "required": False},
    {"description": "Second", "required": False},
]


def criteria(*required: bool) -> list[tuple[int, bool]]:
    """Criteria 1, 2, ... as (id, required)."""
    return list(enumerate(required, start=1))


def verdicts(**satisfied: bool) -> list[int]:
    """The ids of the criteria marked satisfied (`c1=True`: criterion 1)."""
    return [int(name.removeprefix("c")) for name, flag in satisfied.items() if flag]


@pytest.mark.parametrize(
    ("badge_criteria", "items", "approved"),
    [
        (criteria(True, True, False), verdicts(c1=True, c2=True), True),
        (criteria(True, True, False), verdicts(c1=True, c2=True, c3=False), True),
        (criteria(True, True, False), verdicts(c1=True, c2=False, c3=True), False),
        (criteria(True, True, False), verdicts(c1=True, c3=True), False),
        (criteria(True, True, False), [], False),
        (criteria(False, False), verdicts(c1=True, c2=True), True),
        (criteria(False, False), verdicts(c1=True, c2=False), False),
        (criteria(False, False), verdicts(c1=True), False),
        (criteria(), [], True),
    ],
)
def test_approval_needs_every_deciding_criterion_satisfied(
    badge_criteria: list[tuple[int, bool]], items: list[int], approved: bool
) -> None:
    assert approves(badge_criteria, items) is approved


async def events(app: FastAPI) -> list[dict[str, Any]]:
    return [orjson.loads(row.payload) for row in await outbox_rows(app)]


async def reviewed(
    client: httpx.AsyncClient, badge_criteria: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A badge with `badge_criteria` and an application for it, with a webhook registered."""
    await create_tree(client)
    await add_webhook(client)
    badge = await create_badge(client, "issuer", criteria=badge_criteria)
    application = await create_application(
        client, badge["slug"], "issuer", evidence=[{"reflection": "I did it"}]
    )
    return badge, application


def items(badge: dict[str, Any], *satisfied: bool) -> list[dict[str, Any]]:
    return [
        {"criterionId": criterion["id"], "satisfied": flag, "comment": f"c{index}"}
        for index, (criterion, flag) in enumerate(zip(badge["criteria"], satisfied, strict=False))
    ]


async def test_submitting_a_review_queues_the_documented_event(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    badge, application = await reviewed(client, REQUIRED_AND_OPTIONAL)
    review = await create_review(
        client,
        badge["slug"],
        application["slug"],
        "issuer",
        comment="Comment from reviewer to earner.",
        reviewItems=items(badge, True, True, False),
    )
    shown = (await client.get(application_path(badge["slug"], application["slug"]))).json()
    [event] = await events(app)
    assert list(event) == ["action", "application", "review", "approved"]
    assert event == {
        "action": "review",
        "application": shown["application"],
        "review": review,
        "approved": True,
    }
    assert event["application"]["badge"]["criteria"] == badge["criteria"]
    [row] = await outbox_rows(app)
    assert (row.action, row.status) == ("review", "pending")


async def test_a_review_missing_a_required_criterion_does_not_approve(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    badge, application = await reviewed(client, REQUIRED_AND_OPTIONAL)
    await create_review(
        client,
        badge["slug"],
        application["slug"],
        "issuer",
        reviewItems=items(badge, True, False, True),
    )
    [event] = await events(app)
    assert event["approved"] is False


@pytest.mark.parametrize(("satisfied", "approved"), [((True, True), True), ((True, False), False)])
async def test_without_required_criteria_every_criterion_decides(
    client: httpx.AsyncClient, app: FastAPI, satisfied: tuple[bool, bool], approved: bool
) -> None:
    badge, application = await reviewed(client, NONE_REQUIRED)
    await create_review(
        client, badge["slug"], application["slug"], "issuer", reviewItems=items(badge, *satisfied)
    )
    [event] = await events(app)
    assert event["approved"] is approved


async def test_a_badge_without_criteria_is_approved_by_any_review(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    badge, application = await reviewed(client, [])
    await create_review(client, badge["slug"], application["slug"], "issuer", comment="fine")
    [event] = await events(app)
    assert event["approved"] is True


async def test_approval_does_not_award_or_process_anything(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    badge, application = await reviewed(client, REQUIRED_AND_OPTIONAL)
    await create_review(
        client, badge["slug"], application["slug"], reviewItems=items(badge, True, True, True)
    )
    shown = (await client.get(application_path(badge["slug"], application["slug"]))).json()
    assert shown["application"]["processed"] is None
    assert [row.action for row in await outbox_rows(app)] == ["review"]


async def test_an_updated_review_is_announced_again_with_its_new_verdict(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    badge, application = await reviewed(client, REQUIRED_AND_OPTIONAL)
    review = await create_review(
        client, badge["slug"], application["slug"], reviewItems=items(badge, True, False)
    )
    path = f"{reviews_path(badge['slug'], application['slug'])}/{review['slug']}"
    updated = await client.put(path, json={"reviewItems": items(badge, True, True)})
    assert updated.status_code == 200
    comment_only = await client.put(path, json={"comment": "Now complete"})
    first, second, third = await events(app)
    assert (first["approved"], second["approved"], third["approved"]) == (False, True, True)
    assert second["review"] == updated.json()["review"]
    assert third["review"] == comment_only.json()["review"]
    assert third["review"]["reviewItems"] == updated.json()["review"]["reviewItems"]


async def test_deleting_a_review_sends_no_event(client: httpx.AsyncClient, app: FastAPI) -> None:
    badge, application = await reviewed(client, REQUIRED_AND_OPTIONAL)
    review = await create_review(client, badge["slug"], application["slug"])
    await client.delete(f"{reviews_path(badge['slug'], application['slug'])}/{review['slug']}")
    assert len(await outbox_rows(app)) == 1


async def test_the_event_goes_only_to_this_systems_webhooks_that_want_reviews(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    badge, application = await reviewed(client, [])
    awards_only = await add_webhook(client, url="http://awards.test/hook", events=["award"])
    second = await add_webhook(client, url="http://second.test/hook", events=["review"])
    await create_system(client, "boston")
    await add_webhook(client, "boston", url="http://boston.test/hook")
    await create_review(client, badge["slug"], application["slug"])
    rows = await outbox_rows(app)
    assert len(rows) == 2
    assert awards_only["id"] not in {row.webhook_id for row in rows}
    assert second["id"] in {row.webhook_id for row in rows}


async def test_without_a_webhook_reviews_still_work(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_tree(client)
    badge = await create_badge(client, criteria=REQUIRED_AND_OPTIONAL)
    application = await create_application(client, badge["slug"])
    await create_review(client, badge["slug"], application["slug"])
    assert await outbox_rows(app) == []
