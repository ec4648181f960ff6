"""Webhook receivers must be public: checked on registration and again on delivery.

No real name is resolved here: hosts are IP literals or `localhost`, and the resolver is
injected wherever a name must resolve to something chosen.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from badgekit_api.webhooks import addresses as addresses_module
from badgekit_api.webhooks.addresses import AddressPolicy
from tests.factories.containers import create_system
from tests.security.support import app_with, assert_error
from tests.support import make_client
from tests.webhooks.support import (
    add_webhook,
    award_payload,
    deliver,
    enqueue,
    loopback_receiver,
    one_row,
    policy,
)

HOOKS = "/systems/chicago/webhooks"
PUBLIC_ADDRESS = "93.184.216.34"


def resolving_to(*answers: list[str]) -> tuple[list[str], object]:
    """A resolver answering each lookup with the next of `answers` (the last one repeats)."""
    asked: list[str] = []

    async def resolve(host: str, _port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked), len(answers)) - 1]

    return asked, resolve


@pytest.fixture
async def strict(settings: Settings, client: httpx.AsyncClient) -> AsyncIterator[FastAPI]:
    """An app that refuses private receivers (the suite's own allows them)."""
    await create_system(client)
    async with app_with(settings, webhook_allow_private=False) as app:
        yield app


PRIVATE_URLS = [
    "http://127.0.0.1/hook",
    "http://127.8.9.10:8080/hook",
    "http://10.1.2.3/hook",
    "http://172.16.5.4/hook",
    "http://192.168.0.10/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::5]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://localhost:8080/hook",
    "https://LOCALHOST/hook",
    # IPv6 forms that embed a private or loopback IPv4 address.
    "http://[::7f00:1]/hook",
    "http://[::ffff:0:7f00:1]/hook",
    "http://[64:ff9b::a00:1]/hook",
    "http://[64:ff9b:1::c0a8:1]/hook",
    "http://[2002:7f00:1::]/hook",
    "http://[2002:a9fe:a9fe::1]/hook",
    # No host, or credentials in the URL.
    "http:///hook",
    "http://u:p@93.184.216.34/hook",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
async def test_a_private_receiver_is_refused_on_registration(
    strict: FastAPI, client: httpx.AsyncClient, url: str
) -> None:
    async with make_client(strict) as signed:
        response = await signed.post(HOOKS, json={"url": url})
    body = assert_error(response, 400, "ValidationError")
    assert [(detail["field"], detail["value"]) for detail in body["details"]] == [("url", url)]
    assert (await client.get(HOOKS)).json() == {"webhooks": []}


async def test_a_private_receiver_is_refused_on_update(
    strict: FastAPI, client: httpx.AsyncClient
) -> None:
    async with make_client(strict) as signed:
        created = await signed.post(HOOKS, json={"url": f"https://{PUBLIC_ADDRESS}/hook"})
        assert created.status_code == 201, created.text
        path = f"{HOOKS}/{created.json()['webhook']['id']}"
        response = await signed.put(path, json={"url": "http://10.0.0.1/hook"})
    assert_error(response, 400, "ValidationError")
    assert (await client.get(path)).json()["webhook"]["url"] == f"https://{PUBLIC_ADDRESS}/hook"


async def test_a_name_is_judged_by_what_it_resolves_to(strict: FastAPI) -> None:
    asked, resolve = resolving_to(["10.9.8.7", PUBLIC_ADDRESS])
    strict.state.webhook_addresses = AddressPolicy(resolver=resolve)  # type: ignore[arg-type]
    async with make_client(strict) as signed:
        # One private address among the answers is enough to refuse.
        refused = await signed.post(HOOKS, json={"url": "https://intranet.test/hook"})
        assert_error(refused, 400, "ValidationError")
        asked_public, public = resolving_to([PUBLIC_ADDRESS])
        strict.state.webhook_addresses = AddressPolicy(resolver=public)  # type: ignore[arg-type]
        accepted = await signed.post(HOOKS, json={"url": "https://issuer.test/hook"})
        assert accepted.status_code == 201, accepted.text
    assert asked == ["intranet.test"] and asked_public == ["issuer.test"]


async def test_a_name_that_does_not_resolve_yet_is_accepted(strict: FastAPI) -> None:
    async def nothing(host: str, _port: int) -> list[str]:
        raise OSError(f"{host}: Name or service not known")

    strict.state.webhook_addresses = AddressPolicy(resolver=nothing)
    async with make_client(strict) as signed:
        response = await signed.post(HOOKS, json={"url": "https://later.test/hook"})
    assert response.status_code == 201, response.text


async def test_private_receivers_are_allowed_when_configured(client: httpx.AsyncClient) -> None:
    # The suite's settings have WEBHOOK_ALLOW_PRIVATE=true, as a single-host install might.
    await create_system(client)
    response = await client.post(HOOKS, json={"url": "http://127.0.0.1:9/hook"})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("url", ["http://u:p@127.0.0.1:9/hook", "http:///hook"])
async def test_credentials_or_no_host_are_refused_even_where_private_receivers_are_allowed(
    client: httpx.AsyncClient, url: str
) -> None:
    # Credentials would make the client send Basic auth instead of the signature header,
    # on a single-host install (WEBHOOK_ALLOW_PRIVATE=true, as in the suite) as anywhere.
    await create_system(client)
    assert_error(await client.post(HOOKS, json={"url": url}), 400, "ValidationError")
    assert (await client.get(HOOKS)).json()["webhooks"] == []


def test_the_policy_comes_from_settings() -> None:
    assert AddressPolicy.from_settings(Settings()).allow_private is False
    assert AddressPolicy.from_settings(Settings(webhook_allow_private=True)).allow_private


# At delivery time: the address connected to is checked, whatever was true on registration.


async def test_a_receiver_that_now_resolves_to_loopback_is_not_contacted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """DNS rebinding: public when registered, 127.0.0.1 when the event goes out."""
    await create_system(client)
    async with loopback_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        webhook = await add_webhook(client, url=f"http://rebinding.test:{port}/hook")
        asked, resolve = resolving_to(["127.0.0.1"])
        checked = AddressPolicy(resolver=resolve)  # type: ignore[arg-type]
        [event_id] = await enqueue(app, award_payload())
        async with httpx.AsyncClient(transport=checked.transport()) as http:
            assert await deliver(app, http, policy(addresses=checked)) == 1
    assert receiver.calls == []
    assert asked == ["rebinding.test"]
    row = await one_row(app, event_id)
    assert row.status == "pending" and row.attempts == 1  # retried later: DNS may change back
    assert row.last_status_code is None
    assert row.last_error is not None
    assert row.last_error.startswith("UnsafeWebhookAddress: Refused to connect")
    assert "rebinding.test" in row.last_error
    shown = await client.get(f"{HOOKS}/{webhook['id']}/deliveries")
    assert shown.json()["deliveries"][0]["lastError"] == row.last_error


async def test_the_checked_transport_connects_to_the_address_it_checked(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other side of the test above: with the check passing, the resolved address is
    the one used, and the receiver sees the name it was registered under."""
    await create_system(client)
    monkeypatch.setattr(addresses_module, "is_public", lambda _address: True)
    async with loopback_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        await add_webhook(client, url=f"http://pinned.test:{port}/hook")
        _asked, resolve = resolving_to(["127.0.0.1"])
        checked = AddressPolicy(resolver=resolve)  # type: ignore[arg-type]
        [event_id] = await enqueue(app, award_payload())
        async with httpx.AsyncClient(transport=checked.transport()) as http:
            await deliver(app, http, policy(addresses=checked))
    assert (await one_row(app, event_id)).status == "delivered"
    [call] = receiver.calls
    assert call.headers["host"] == f"pinned.test:{port}"


async def test_the_worker_refuses_an_ip_literal_registered_while_it_was_allowed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    async with loopback_receiver() as receiver:
        await add_webhook(client, url=receiver.url)
        [event_id] = await enqueue(app, award_payload())
        strict_policy = replace(policy(), addresses=AddressPolicy())
        async with httpx.AsyncClient(transport=strict_policy.addresses.transport()) as http:
            await deliver(app, http, strict_policy)
    assert receiver.calls == []
    assert "Refused to connect" in ((await one_row(app, event_id)).last_error or "")


async def test_a_redirect_is_a_failed_attempt_and_is_not_followed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    webhook = await add_webhook(client, url="https://receiver.test/hook")
    calls: list[str] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(307, headers={"Location": "http://169.254.169.254/latest"})

    [event_id] = await enqueue(app, award_payload())
    # Even a client that would follow redirects does not, for a webhook.
    transport = httpx.MockTransport(handle)
    async with httpx.AsyncClient(transport=transport, follow_redirects=True) as http:
        await deliver(app, http)
    assert calls == ["https://receiver.test/hook"]
    row = await one_row(app, event_id)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 307)
    listed = await client.get(f"{HOOKS}/{webhook['id']}/deliveries")
    assert listed.json()["deliveries"][0]["lastStatusCode"] == 307
