"""`/systems/{system}/webhooks`: the management API."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.consumers import create_consumer
from tests.factories.containers import create_system
from tests.support import make_client
from tests.webhooks.support import (
    RECEIVER,
    MockReceiver,
    add_webhook,
    award_payload,
    deliver,
    enqueue,
    one_row,
    policy,
)

ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HOOKS = "/systems/chicago/webhooks"
VALIDATION_MESSAGE = "Could not validate required fields"

pytestmark = pytest.mark.usefixtures("system")


@pytest.fixture
async def system(client: httpx.AsyncClient) -> dict[str, Any]:
    return await create_system(client)


async def _listing(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get(HOOKS)
    assert response.status_code == 200
    return response.json()["webhooks"]  # type: ignore[no-any-return]


async def test_create_answers_the_webhook_with_its_secret_once(client: httpx.AsyncClient) -> None:
    response = await client.post(HOOKS, json={"url": RECEIVER})
    assert response.status_code == 201
    body = response.json()
    webhook = body["webhook"]
    assert body == {
        "status": "created",
        "webhook": {
            "id": webhook["id"],
            "url": RECEIVER,
            "events": ["award", "review", "revoke"],
            "active": True,
            "created": webhook["created"],
            "secret": webhook["secret"],
        },
    }
    assert ISO_MILLIS.match(webhook["created"])
    assert len(webhook["secret"]) >= 32
    assert response.headers["location"] == f"{HOOKS}/{webhook['id']}"

    fetched = await client.get(f"{HOOKS}/{webhook['id']}")
    assert fetched.status_code == 200
    shown = {key: value for key, value in webhook.items() if key != "secret"}
    assert fetched.json() == {"webhook": shown}
    assert await _listing(client) == [shown]
    assert webhook["secret"] not in fetched.text


async def test_create_takes_events_active_and_a_chosen_secret(client: httpx.AsyncClient) -> None:
    secret = "s" * 40
    webhook = await add_webhook(client, events=["revoke", "award"], active=False, secret=secret)
    assert (webhook["events"], webhook["active"], webhook["secret"]) == (
        ["award", "revoke"],
        False,
        secret,
    )


async def test_create_from_a_form_body(client: httpx.AsyncClient) -> None:
    response = await client.post(
        HOOKS,
        content=f"url={RECEIVER}&events[]=review&events[]=award&active=false".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 201, response.text
    webhook = response.json()["webhook"]
    assert (webhook["events"], webhook["active"]) == (["award", "review"], False)


async def test_several_webhooks_per_system_listed_in_creation_order(
    client: httpx.AsyncClient,
) -> None:
    first = await add_webhook(client, url="https://one.example.org/hook")
    second = await add_webhook(client, url="https://two.example.org/hook")
    third = await add_webhook(client, url="https://three.example.org/hook")
    listing = await _listing(client)
    assert [hook["id"] for hook in listing] == [first["id"], second["id"], third["id"]]
    assert all("secret" not in hook for hook in listing)

    page = (await client.get(f"{HOOKS}?page=2&count=2")).json()
    assert page["pageData"] == {"page": 2, "count": 2, "total": 3}
    assert [hook["id"] for hook in page["webhooks"]] == [third["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "url"),
        ({"url": "ftp://files.example.org/hook"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": RECEIVER, "events": ["award", "explode"]}, "events"),
        ({"url": RECEIVER, "events": []}, "events"),
        ({"url": RECEIVER, "events": "award,nope"}, "events"),
        ({"url": RECEIVER, "secret": "too-short"}, "secret"),
        ({"url": RECEIVER, "active": "perhaps"}, "active"),
    ],
)
async def test_create_refuses_bad_input_and_writes_nothing(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post(HOOKS, json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "ValidationError"
    assert error["message"] == VALIDATION_MESSAGE
    assert [detail["field"] for detail in error["details"]] == [field]
    assert await _listing(client) == []


async def test_unknown_event_names_are_named_in_the_error(client: httpx.AsyncClient) -> None:
    response = await client.post(HOOKS, json={"url": RECEIVER, "events": ["explode"]})
    [detail] = response.json()["details"]
    assert detail["message"] == "Unknown event `explode`: must be one of award, review, revoke"


async def test_update_changes_only_the_given_fields(client: httpx.AsyncClient) -> None:
    webhook = await add_webhook(client)
    path = f"{HOOKS}/{webhook['id']}"
    response = await client.put(path, json={"events": ["review"]})
    assert response.status_code == 200
    assert response.json() == {
        "status": "updated",
        "webhook": {
            "id": webhook["id"],
            "url": RECEIVER,
            "events": ["review"],
            "active": True,
            "created": webhook["created"],
        },
    }
    response = await client.put(
        path, json={"url": "https://new.example.org/hook", "active": False, "secret": "n" * 32}
    )
    updated = response.json()["webhook"]
    assert (updated["url"], updated["events"], updated["active"]) == (
        "https://new.example.org/hook",
        ["review"],
        False,
    )
    assert "secret" not in updated


@pytest.mark.parametrize(
    "body",
    [{"url": "mailto:x@example.org"}, {"events": ["everything"]}, {"secret": "short"}],
)
async def test_update_refuses_bad_input_and_changes_nothing(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    webhook = await add_webhook(client)
    shown = {key: value for key, value in webhook.items() if key != "secret"}
    response = await client.put(f"{HOOKS}/{webhook['id']}", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "ValidationError"
    assert (await client.get(f"{HOOKS}/{webhook['id']}")).json() == {"webhook": shown}


async def test_delete_answers_the_webhook_and_removes_it(client: httpx.AsyncClient) -> None:
    webhook = await add_webhook(client)
    response = await client.delete(f"{HOOKS}/{webhook['id']}")
    assert response.status_code == 200
    assert response.json()["status"] == "deleted"
    assert response.json()["webhook"]["id"] == webhook["id"]
    assert "secret" not in response.json()["webhook"]
    missing = await client.get(f"{HOOKS}/{webhook['id']}")
    assert missing.status_code == 404
    assert await _listing(client) == []


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("webhook_id", ["999999", "abc", "99999999999999999999999"])
async def test_unknown_webhooks_are_404(
    client: httpx.AsyncClient, method: str, webhook_id: str
) -> None:
    response = await client.request(
        method, f"{HOOKS}/{webhook_id}", json={} if method == "PUT" else None
    )
    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": f"Could not find webhook field: `id`, value: `{webhook_id}`",
    }


async def test_a_webhook_of_another_system_is_404(client: httpx.AsyncClient) -> None:
    await create_system(client, "elsewhere")
    theirs = await add_webhook(client, "elsewhere")
    for path in (f"{HOOKS}/{theirs['id']}", f"{HOOKS}/{theirs['id']}/deliveries"):
        assert (await client.get(path)).status_code == 404
    assert (await client.delete(f"{HOOKS}/{theirs['id']}")).status_code == 404
    assert len((await client.get("/systems/elsewhere/webhooks")).json()["webhooks"]) == 1


async def test_unknown_system_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/systems/nowhere/webhooks")
    assert response.status_code == 404
    assert response.json()["message"] == "Could not find system field: `slug`, value: `nowhere`"
    response = await client.post("/systems/nowhere/webhooks", json={"url": RECEIVER})
    assert response.status_code == 404


async def test_only_system_level(client: httpx.AsyncClient) -> None:
    await client.post(
        "/systems/chicago/issuers",
        json={"slug": "library", "name": "Library", "url": "https://library.example.org"},
    )
    response = await client.get("/systems/chicago/issuers/library/webhooks")
    assert response.status_code == 404


async def test_unsigned_requests_are_refused(anon: httpx.AsyncClient) -> None:
    response = await anon.post(HOOKS, json={"url": RECEIVER})
    assert response.status_code == 403
    assert response.json()["code"] == "NotAuthorized"


async def test_a_consumer_key_works_on_its_own_system_only(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client, "elsewhere")
    key, secret = await create_consumer(app, "chicago")
    async with make_client(app, key=key, secret=secret) as consumer:
        created = await consumer.post(HOOKS, json={"url": RECEIVER})
        assert created.status_code == 201
        assert (await consumer.get(HOOKS)).status_code == 200
        refused = await consumer.post("/systems/elsewhere/webhooks", json={"url": RECEIVER})
        assert refused.status_code == 403
        assert refused.json()["code"] == "NotAuthorized"
        assert (await consumer.get("/systems/elsewhere/webhooks")).status_code == 403
    assert (await client.get("/systems/elsewhere/webhooks")).json()["webhooks"] == []


async def test_deliveries_list_newest_first_with_their_state(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    webhook = await add_webhook(client)
    ids = [(await enqueue(app, award_payload(f"u{n}")))[0] for n in range(3)]
    receiver = MockReceiver(respond=lambda call: 500 if call.json()["uid"] == "u1" else 200)
    async with receiver.client() as http:
        await deliver(app, http)

    response = await client.get(f"{HOOKS}/{webhook['id']}/deliveries")
    assert response.status_code == 200
    body = response.json()
    assert "pageData" not in body
    deliveries = body["deliveries"]
    assert [delivery["id"] for delivery in deliveries] == list(reversed(ids))
    failed = deliveries[1]
    assert failed == {
        "id": ids[1],
        "action": "award",
        "status": "pending",
        "attempts": 1,
        "lastStatusCode": 500,
        "lastError": "HTTP 500: receiver says no",
        "nextAttemptAt": failed["nextAttemptAt"],
        "created": failed["created"],
        "deliveredAt": None,
    }
    assert ISO_MILLIS.match(failed["nextAttemptAt"])
    assert ISO_MILLIS.match(failed["created"])
    delivered = deliveries[0]
    assert (delivered["status"], delivered["lastStatusCode"], delivered["nextAttemptAt"]) == (
        "delivered",
        200,
        None,
    )
    assert ISO_MILLIS.match(delivered["deliveredAt"])

    page = (await client.get(f"{HOOKS}/{webhook['id']}/deliveries?page=1&count=2")).json()
    assert page["pageData"] == {"page": 1, "count": 2, "total": 3}
    assert [delivery["id"] for delivery in page["deliveries"]] == [ids[2], ids[1]]
    bad_page = await client.get(f"{HOOKS}/{webhook['id']}/deliveries?page=0&count=2")
    assert bad_page.status_code == 400
    assert bad_page.json()["code"] == "InvalidParameter"


async def test_redeliver_makes_a_failed_event_due_again(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    webhook = await add_webhook(client)
    [event_id] = await enqueue(app, award_payload())
    async with MockReceiver(respond=lambda _call: 500).client() as http:
        await deliver(app, http, policy(retry_schedule=()))
    assert (await one_row(app, event_id)).status == "failed"

    response = await client.post(f"{HOOKS}/{webhook['id']}/deliveries/{event_id}/redeliver")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "updated"
    assert body["delivery"]["id"] == event_id
    assert (body["delivery"]["status"], body["delivery"]["attempts"]) == ("pending", 0)

    receiver = MockReceiver()
    async with receiver.client() as http:
        assert await deliver(app, http) == 1
    assert [call.event_id for call in receiver.calls] == [event_id]
    assert (await one_row(app, event_id)).status == "delivered"


async def test_redeliver_sends_a_delivered_event_again(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    webhook = await add_webhook(client)
    [event_id] = await enqueue(app, award_payload())
    receiver = MockReceiver()
    async with receiver.client() as http:
        await deliver(app, http)
        response = await client.post(f"{HOOKS}/{webhook['id']}/deliveries/{event_id}/redeliver")
        assert response.status_code == 200
        await deliver(app, http)
    assert [call.event_id for call in receiver.calls] == [event_id, event_id]
    assert receiver.calls[0].body == receiver.calls[1].body


async def test_redeliver_unknown_events_is_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    webhook = await add_webhook(client)
    other = await add_webhook(client)
    [mine, theirs] = await enqueue(app, award_payload())
    # `theirs` belongs to the other webhook: not reachable through this one.
    assert (await one_row(app, theirs)).webhook_id == other["id"]
    assert (await one_row(app, mine)).webhook_id == webhook["id"]
    for event_id in (theirs, "no-such-event"):
        response = await client.post(f"{HOOKS}/{webhook['id']}/deliveries/{event_id}/redeliver")
        assert response.status_code == 404
        assert response.json() == {
            "code": "ResourceNotFound",
            "message": f"Could not find delivery field: `id`, value: `{event_id}`",
        }
    missing_hook = await client.post(f"{HOOKS}/424242/deliveries/{mine}/redeliver")
    assert missing_hook.status_code == 404
