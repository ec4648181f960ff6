"""Emails and claim codes with reserved characters round-trip percent-encoded in every route
that carries one (issue 15, defect 5).

`ana/lee@example.org` is a valid address, and servers decode the path before the app sees
it: `.../instances/ana%2Flee@example.org` was a 404. Every such route is driven with `/`, `%`,
`?`, `#`, `+` (and, in codes, a space) encoded, at the three container levels.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.security.signing import sign_request
from tests.factories.badges import LEVEL_PREFIXES, LEVELS, create_badge
from tests.factories.consumers import create_consumer
from tests.factories.containers import create_tree
from tests.factories.instances import award, instances_url
from tests.security.support import assert_error
from tests.support import make_live_client

EMAIL_RESERVED = ["/", "%", "?", "#", "+"]
# A code may not hold `/` (a 400 when it is created); everything else it may.
CODE_RESERVED = ["%", "?", "#", " ", "+"]


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


def encoded(value: str) -> str:
    return quote(value, safe="")


def codes_url(level: str) -> str:
    return f"{LEVEL_PREFIXES[level]}/badges/python-basics/codes"


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("reserved", EMAIL_RESERVED)
async def test_an_email_with_a_reserved_character_is_read_listed_and_revoked(
    client: httpx.AsyncClient, level: str, reserved: str
) -> None:
    email = f"ana{reserved}lee@example.org"
    await create_badge(client, level)
    instance = await award(client, level, email=email)
    one = f"{instances_url(level)}/{encoded(email)}"
    earner = f"{LEVEL_PREFIXES[level]}/instances/{encoded(email)}"

    read = await client.get(one)
    assert read.status_code == 200, read.text
    assert read.json() == {"instance": instance}
    assert instance["email"] == email
    listed = await client.get(earner)
    assert listed.status_code == 200, listed.text
    assert [found["slug"] for found in listed.json()["instances"]] == [instance["slug"]]

    revoked = await client.delete(one)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json() == {"status": "deleted", "instance": instance}
    assert (await client.get(one)).status_code == 404
    assert (await client.get(earner)).json()["instances"] == []


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("reserved", CODE_RESERVED)
async def test_a_code_with_a_reserved_character_is_read_found_claimed_and_deleted(
    client: httpx.AsyncClient, level: str, reserved: str
) -> None:
    code = f"open{reserved}sesame"
    await create_badge(client, level)
    created = await client.post(codes_url(level), json={"code": code})
    assert created.status_code == 201, created.text
    location = created.headers["location"]
    assert location.endswith(f"/codes/{encoded(code)}")

    read = await client.get(location)
    assert read.status_code == 200, read.text
    assert read.json()["claimCode"]["code"] == code
    found = await client.get(f"{LEVEL_PREFIXES[level]}/codes/{encoded(code)}")
    assert found.status_code == 200, found.text
    assert (found.json()["badge"]["slug"], found.json()["badge"]["claimed"]) == (
        "python-basics",
        False,
    )

    claimed = await client.post(f"{location}/claim", json={"email": "ana/lee@example.org"})
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["claimCode"]["claimed"] is True
    deleted = await client.delete(location)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["claimCode"]["code"] == code
    assert (await client.get(location)).status_code == 404


async def test_a_code_with_a_slash_is_refused_and_never_found(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    refused = await client.post(codes_url("system"), json={"code": "open/sesame"})
    assert_error(refused, 400, "ValidationError")
    for lookup in (codes_url("system"), "/systems/chicago/codes"):
        assert_error(await client.get(f"{lookup}/open%2Fsesame"), 404, "ResourceNotFound")


@pytest.mark.parametrize(
    "path",
    [
        "/systems/chicago%2Fbadges",
        "/systems/chicago/badges/python-basics%2Finstances",
        "/systems/chicago/issuers/library%2Fprograms",
        "/public/systems/chicago/badges/python-basics%2Fx",
    ],
)
async def test_an_encoded_slash_never_reaches_the_route_of_the_decoded_path(
    client: httpx.AsyncClient, path: str
) -> None:
    # Decoded, each of these paths is another resource's (the badges of chicago, ...).
    await create_badge(client)
    assert_error(await client.get(path), 404, "ResourceNotFound")


async def test_a_method_a_route_lacks_is_a_405_with_an_encoded_slash_too(
    client: httpx.AsyncClient,
) -> None:
    await create_badge(client)
    await award(client, email="ana/lee@example.org")
    response = await client.put(f"{instances_url()}/ana%2Flee@example.org", json={})
    assert_error(response, 405, "MethodNotAllowed")


async def test_a_consumer_signed_revoke_of_an_email_with_a_slash_verifies(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, app: FastAPI
) -> None:
    # A client signs the path it sends, percent-encoding and all.
    key, secret = await create_consumer(app, "chicago")
    await create_badge(client)
    await award(client, email="ana/lee@example.org")
    path = f"{instances_url()}/ana%2Flee%40example.org"
    header = sign_request("DELETE", path, None, key=key, secret=secret)
    revoked = await anon.delete(path, headers={"Authorization": header})
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["instance"]["email"] == "ana/lee@example.org"
    assert (await client.get(path)).status_code == 404


async def test_a_real_server_routes_an_encoded_slash(live_server: str) -> None:
    # uvicorn, not the ASGI test transport, hands over `path` and `raw_path` here; the
    # client signs the encoded path it sends. (The tree is there: the server shares the
    # test database.)
    one = f"{instances_url()}/ana%2Flee@example.org"
    async with make_live_client(live_server) as live:
        await create_badge(live)
        await award(live, email="ana/lee@example.org")
        read = await live.get(one)
        assert read.status_code == 200, read.text
        assert read.json()["instance"]["email"] == "ana/lee@example.org"
        assert (await live.delete(one)).status_code == 200
        assert (await live.get(one)).status_code == 404
