"""Reviewer assignment: another reviewer can take an application over only once the current
assignment has expired ("after which another reviewer can be assigned")."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.factories.assessment import application_path, create_application
from tests.factories.badges import create_badge
from tests.factories.containers import create_tree

RITA, SAM = "rita@example.org", "sam@example.org"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


TOMORROW = iso(datetime.now(UTC) + timedelta(days=1))
NEXT_WEEK = iso(datetime.now(UTC) + timedelta(days=7))
YESTERDAY = iso(datetime.now(UTC) - timedelta(days=1))


@pytest.fixture(autouse=True)
async def badge(client: httpx.AsyncClient) -> str:
    await create_tree(client)
    return (await create_badge(client))["slug"]  # type: ignore[no-any-return]


async def assigned(
    client: httpx.AsyncClient, badge: str, reviewer: str | None, expiration: str | None
) -> str:
    """An application assigned to `reviewer` until `expiration`; returns its path."""
    application = await create_application(
        client, badge, assignedTo=reviewer, assignedExpiration=expiration
    )
    assert (application["assignedTo"], application["assignedExpiration"]) == (reviewer, expiration)
    return application_path(badge, application["slug"])


async def put(client: httpx.AsyncClient, path: str, **fields: Any) -> httpx.Response:
    return await client.put(path, json=fields)


async def assignment(client: httpx.AsyncClient, path: str) -> tuple[str | None, str | None]:
    shown = (await client.get(path)).json()["application"]
    return shown["assignedTo"], shown["assignedExpiration"]


async def test_an_unassigned_application_can_be_assigned(
    client: httpx.AsyncClient, badge: str
) -> None:
    path = await assigned(client, badge, None, None)
    response = await put(client, path, assignedTo=RITA, assignedExpiration=TOMORROW)
    assert response.status_code == 200
    assert await assignment(client, path) == (RITA, TOMORROW)


async def test_another_reviewer_cannot_take_an_unexpired_assignment(
    client: httpx.AsyncClient, badge: str
) -> None:
    path = await assigned(client, badge, RITA, TOMORROW)
    response = await put(client, path, assignedTo=SAM, processed=1399379085)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "ResourceConflict"
    assert body["message"] == f"Application is assigned to another reviewer until {TOMORROW}"
    assert body["details"] == {"assignedTo": RITA, "assignedExpiration": TOMORROW}
    shown = (await client.get(path)).json()["application"]
    assert (shown["assignedTo"], shown["assignedExpiration"], shown["processed"]) == (
        RITA,
        TOMORROW,
        None,
    )


async def test_an_assignment_without_a_deadline_is_kept_until_released(
    client: httpx.AsyncClient, badge: str
) -> None:
    path = await assigned(client, badge, RITA, None)
    response = await put(client, path, assignedTo=SAM)
    assert response.status_code == 409
    assert response.json()["details"] == {"assignedTo": RITA, "assignedExpiration": None}
    assert (await put(client, path, assignedTo=None)).status_code == 200
    assert await assignment(client, path) == (None, None)
    assert (await put(client, path, assignedTo=SAM)).status_code == 200
    assert await assignment(client, path) == (SAM, None)


async def test_an_expired_assignment_can_go_to_another_reviewer(
    client: httpx.AsyncClient, badge: str
) -> None:
    path = await assigned(client, badge, RITA, YESTERDAY)
    response = await put(client, path, assignedTo=SAM, assignedExpiration=NEXT_WEEK)
    assert response.status_code == 200, response.text
    assert await assignment(client, path) == (SAM, NEXT_WEEK)


async def test_a_new_reviewer_does_not_inherit_the_old_deadline(
    client: httpx.AsyncClient, badge: str
) -> None:
    path = await assigned(client, badge, RITA, YESTERDAY)
    assert (await put(client, path, assignedTo=SAM)).status_code == 200
    assert await assignment(client, path) == (SAM, None)


async def test_the_same_reviewer_keeps_or_moves_their_deadline(
    client: httpx.AsyncClient, badge: str
) -> None:
    path = await assigned(client, badge, RITA, TOMORROW)
    same = await put(client, path, assignedTo=RITA)
    assert same.status_code == 200, same.text
    assert await assignment(client, path) == (RITA, TOMORROW)
    moved = await put(client, path, assignedTo=RITA, assignedExpiration=NEXT_WEEK)
    assert moved.status_code == 200
    assert await assignment(client, path) == (RITA, NEXT_WEEK)
    only_deadline = await put(client, path, assignedExpiration=TOMORROW)
    assert only_deadline.status_code == 200
    assert await assignment(client, path) == (RITA, TOMORROW)
    # The very same values again: still one row matched on every database.
    assert (
        await put(client, path, assignedTo=RITA, assignedExpiration=TOMORROW)
    ).status_code == 200


async def test_the_same_reviewer_is_recognised_whatever_the_case_of_the_email(
    client: httpx.AsyncClient, badge: str
) -> None:
    path = await assigned(client, badge, RITA, TOMORROW)
    assert (await put(client, path, assignedTo="Rita@EXAMPLE.org")).status_code == 200


async def test_unassigning_is_always_allowed_and_clears_the_deadline(
    client: httpx.AsyncClient, badge: str
) -> None:
    path = await assigned(client, badge, RITA, TOMORROW)
    response = await put(client, path, assignedTo=None)
    assert response.status_code == 200
    assert await assignment(client, path) == (None, None)
    form = await assigned(client, badge, RITA, TOMORROW)
    assert (await client.put(form, data={"assignedTo": ""})).status_code == 200
    assert await assignment(client, form) == (None, None)


async def test_of_two_reviewers_claiming_at_once_exactly_one_wins(
    client: httpx.AsyncClient, badge: str
) -> None:
    path = await assigned(client, badge, None, None)
    reviewers = [f"reviewer{number}@example.org" for number in range(4)]
    responses = await asyncio.gather(
        *(
            put(client, path, assignedTo=reviewer, assignedExpiration=TOMORROW)
            for reviewer in reviewers
        )
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409, 409, 409]
    [winner] = [
        reviewer
        for reviewer, response in zip(reviewers, responses, strict=True)
        if response.status_code == 200
    ]
    assert await assignment(client, path) == (winner, TOMORROW)
