"""`outbox.enqueue`: events exist exactly when the producer's transaction commits."""

from __future__ import annotations

import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from badgekit_api.models import System, WebhookEvent
from badgekit_api.webhooks import events, outbox
from tests.factories.containers import create_system
from tests.webhooks.support import add_webhook, award_payload, enqueue, outbox_rows


async def test_a_rolled_back_transaction_leaves_no_event(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    await add_webhook(client)
    ids = await enqueue(app, award_payload(), commit=False)
    assert len(ids) == 1
    assert await outbox_rows(app) == []


async def test_a_committed_transaction_leaves_one_event_per_interested_webhook(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    await create_system(client, "elsewhere")
    everything = await add_webhook(client)
    awards = await add_webhook(client, events=["award"])
    await add_webhook(client, events=["review", "revoke"])
    await add_webhook(client, active=False)
    await add_webhook(client, "elsewhere")
    payload = award_payload()

    ids = await enqueue(app, payload)

    rows = await outbox_rows(app)
    assert sorted(row.id for row in rows) == sorted(ids)
    assert sorted(row.webhook_id for row in rows) == [everything["id"], awards["id"]]
    for row in rows:
        assert row.action == "award"
        assert row.status == "pending"
        assert row.attempts == 0
        assert row.payload == orjson.dumps(payload).decode()
        assert row.next_attempt_at == row.created_at


async def test_without_webhooks_nothing_is_written(app: FastAPI, client: httpx.AsyncClient) -> None:
    await create_system(client)
    assert await enqueue(app, award_payload()) == []
    assert await outbox_rows(app) == []


async def test_each_event_gets_its_own_id_and_a_later_created_at(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    await add_webhook(client)
    async with app.state.session_factory() as session, session.begin():
        system_id = await session.scalar(select(System.id))
        for number in range(20):
            await outbox.enqueue(
                session, system_id=system_id, action="award", payload=award_payload(f"u{number}")
            )
    rows = await outbox_rows(app)
    uids = [orjson.loads(row.payload)["uid"] for row in rows]
    assert uids == [f"u{number}" for number in range(20)]
    assert len({row.id for row in rows}) == 20
    assert all(a.created_at < b.created_at for a, b in zip(rows, rows[1:], strict=False))


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("explode", {"action": "explode"}),
        ("revoke", award_payload()),
        ("award", {"uid": "no action key"}),
    ],
)
async def test_enqueue_refuses_unknown_or_mismatched_actions(
    app: FastAPI, action: str, payload: dict[str, object]
) -> None:
    async with app.state.session_factory() as session:
        with pytest.raises(ValueError):
            await outbox.enqueue(session, system_id=1, action=action, payload=payload)
        count = await session.scalar(select(func.count()).select_from(WebhookEvent))
    assert count == 0


async def test_review_and_revoke_go_only_where_wanted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    reviews = await add_webhook(client, events=["review"])
    review = events.review(application={"id": 1}, review={"id": 2}, approved=False)
    revoke = events.revoke(uid="u", badge={"id": 1}, email="e@example.org")
    assert len(await enqueue(app, review)) == 1
    assert await enqueue(app, revoke) == []
    [row] = await outbox_rows(app)
    assert (row.webhook_id, row.action) == (reviews["id"], "review")
