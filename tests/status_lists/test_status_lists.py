"""Bitstring Status List v1.0: each award's entry, the signed lists, revocation bits."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.status_lists import bitstring
from badgekit_api.status_lists.entries import LIST_SIZE, MAX_LIST_NUMBER, position, status_entry
from tests.factories.badges import LEVEL_PREFIXES, LEVELS, create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import award, stored_instances
from tests.keys.support import did_document, jwk_of, public_key, public_prefix


@pytest.fixture(autouse=True)
async def _tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


async def status_list(
    anon: httpx.AsyncClient, level: str = "system", number: int = 0
) -> tuple[dict[str, Any], bytes]:
    """The list credential, its signature checked with the key its DID document lists, and
    its bitstring."""
    response = await anon.get(f"{public_prefix(level)}/status/{number}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vc+jwt"
    assert response.headers["cache-control"] == "public, max-age=60"
    header = jwt.get_unverified_header(response.text)
    assert header["typ"] == "vc+jwt" and header["alg"] == "EdDSA"
    document = await did_document(anon, level)
    assert header["kid"] == document["verificationMethod"][0]["id"]
    fragment = header["kid"].split("#")[1]
    key = public_key(jwk_of(document, fragment))
    credential: dict[str, Any] = jwt.decode(response.text, key, algorithms=["EdDSA"])
    assert credential["issuer"] == credential["iss"] == document["id"]
    return credential, bitstring.decode(credential["credentialSubject"]["encodedList"])


def set_bits(bits: bytes) -> list[int]:
    return [index for index in range(len(bits) * 8) if bitstring.is_set(bits, index)]


async def revoke(client: httpx.AsyncClient, level: str, email: str) -> None:
    response = await client.delete(
        f"{LEVEL_PREFIXES[level]}/badges/python-basics/instances/{email}"
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("level", LEVELS)
async def test_the_list_is_a_signed_bitstring_status_list_credential(
    anon: httpx.AsyncClient, level: str
) -> None:
    credential, bits = await status_list(anon, level)
    url = f"http://badges.test{public_prefix(level)}/status/0"
    assert credential["id"] == credential["jti"] == url
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    subject = credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")
    assert len(bits) * 8 == LIST_SIZE and set_bits(bits) == []
    assert credential["validFrom"] < credential["validUntil"]


def test_an_entry_points_at_its_bit_of_its_profiles_list() -> None:
    profile = "https://badges.example.org/public/systems/chicago"
    assert status_entry(LIST_SIZE + 5, profile) == {
        "id": f"{profile}/status/1#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": f"{profile}/status/1",
    }


@pytest.mark.parametrize("level", LEVELS)
async def test_revoking_sets_exactly_that_awards_bit_in_its_profiles_list(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, app: FastAPI, level: str
) -> None:
    await create_badge(client, level)
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        await award(client, level, email=email)
    await revoke(client, level, "b@example.org")
    [revoked] = [row for row in await stored_instances(app) if row.email == "b@example.org"]
    number, index = position(revoked.id)
    _, bits = await status_list(anon, level, number)
    assert set_bits(bits) == [index]
    # Only the profile that issues the badge lists it.
    for other in LEVELS:
        if other != level:
            assert set_bits((await status_list(anon, other, number))[1]) == []


async def test_concurrent_awards_never_share_a_bit(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    emails = [f"earner{n}@example.org" for n in range(12)]
    await asyncio.gather(*(award(client, email=email) for email in emails))
    instances = await stored_instances(app)
    entries = {status_entry(row.id, "https://x.example")["id"] for row in instances}
    assert len(entries) == len(emails)
    await asyncio.gather(*(revoke(client, "system", email) for email in emails))
    found = set()
    for number in {position(row.id)[0] for row in instances}:
        found |= {
            (number, index) for index in set_bits((await status_list(anon, "system", number))[1])
        }
    assert found == {position(row.id) for row in instances}


async def _next_instance_id_is(engine: AsyncEngine, next_id: int) -> None:
    """Move the instance ids on, as 131,070 earlier awards would have."""
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(
                text("SELECT setval(pg_get_serial_sequence('badge_instances', 'id'), :v)"),
                {"v": next_id - 1},
            )
        elif engine.dialect.name == "mysql":
            await connection.execute(
                text(f"ALTER TABLE badge_instances AUTO_INCREMENT = {next_id}")
            )
        else:  # SQLite takes the highest rowid + 1: a placeholder row stands at next_id - 1
            await connection.execute(
                text(
                    "INSERT INTO badge_instances (id, slug, badge_id, email, issued_on, salt,"
                    " live, created_at) SELECT :id, 'placeholder', id, 'x@example.org',"
                    " CURRENT_TIMESTAMP, 's', 1, CURRENT_TIMESTAMP FROM badges LIMIT 1"
                ),
                {"id": next_id - 1},
            )


async def test_a_family_grows_past_its_first_list(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, app: FastAPI, engine: AsyncEngine
) -> None:
    await create_badge(client)
    await _next_instance_id_is(engine, LIST_SIZE - 2)
    emails = [f"late{n}@example.org" for n in range(4)]
    for email in emails:
        await award(client, email=email)
    ids = {row.email: row.id for row in await stored_instances(app)}
    assert [position(ids[email]) for email in emails] == [
        (0, LIST_SIZE - 2),
        (0, LIST_SIZE - 1),
        (1, 0),
        (1, 1),
    ]
    await revoke(client, "system", emails[1])
    await revoke(client, "system", emails[3])
    assert set_bits((await status_list(anon, number=0))[1]) == [LIST_SIZE - 1]
    assert set_bits((await status_list(anon, number=1))[1]) == [1]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/public/systems/chicago/status/-1", 400),
        ("/public/systems/chicago/status/one", 400),
        ("/public/systems/chicago/status/99999999", 400),
        ("/public/systems/nowhere/status/0", 404),
    ],
)
async def test_bad_list_addresses_are_4xx(anon: httpx.AsyncClient, path: str, status: int) -> None:
    response = await anon.get(path)
    assert response.status_code == status, response.text
    assert set(response.json()) >= {"code", "message"}


async def test_the_last_list_an_id_can_reach_is_served_empty(anon: httpx.AsyncClient) -> None:
    # Its range ends at the largest 32-bit id; one past it would not fit the id column.
    assert set_bits((await status_list(anon, number=MAX_LIST_NUMBER))[1]) == []
