"""openbadgeslib reads our status lists as a verifier would: the list fetched from its
URL, its VC-JWT proof checked with the key the issuer's did:web document names, its issuer
bound to the credential's, and the award's bit read."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.status_lists.entries import status_entry
from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import award, stored_instances
from tests.keys.support import public_prefix
from tests.status_lists.independent import check_status_with_openbadgeslib

PROFILE_URL = "http://badges.test/public/systems/chicago"


@pytest.fixture(autouse=True)
async def _tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    await create_badge(client)
    await award(client, email="kept@example.org")
    await award(client, email="taken@example.org")


async def served(anon: httpx.AsyncClient, level: str = "system") -> tuple[str, dict[str, str]]:
    """The profile's DID, and its DID document and status lists (the first two: earlier
    tests may have moved the ids on) by the URLs a verifier fetches them from (did:web
    resolves over https)."""
    document = await anon.get(f"{public_prefix(level)}/did.json")
    did = document.json()["id"]
    files = {f"https://badges.test{public_prefix(level)}/did.json": document.text}
    for number in (0, 1):
        listed = await anon.get(f"{public_prefix(level)}/status/{number}")
        files[f"http://badges.test{public_prefix(level)}/status/{number}"] = listed.text
    return did, files


async def entries(app: FastAPI) -> dict[str, dict[str, Any]]:
    return {row.email: status_entry(row.id, PROFILE_URL) for row in await stored_instances(app)}


async def test_openbadgeslib_sees_a_revocation_and_nothing_else(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, app: FastAPI
) -> None:
    by_email = await entries(app)
    did, files = await served(anon)
    before = check_status_with_openbadgeslib(did, files, {"taken": by_email["taken@example.org"]})
    assert before["taken"] == {"ok": True, "error": None}

    revoked = await client.delete(
        "/systems/chicago/badges/python-basics/instances/taken@example.org"
    )
    assert revoked.status_code == 200
    did, files = await served(anon)
    cases = {"kept": by_email["kept@example.org"], "taken": by_email["taken@example.org"]}
    verdicts = check_status_with_openbadgeslib(did, files, cases)
    assert verdicts["kept"] == {"ok": True, "error": None}
    assert not verdicts["taken"]["ok"] and "revocation" in verdicts["taken"]["error"]


async def test_a_list_signed_after_a_rotation_verifies_through_the_new_key(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, app: FastAPI
) -> None:
    await served(anon)  # the first key, made on first use
    assert (await client.post("/systems/chicago/keys/rotate", json={})).status_code == 200
    did, files = await served(anon)
    assert '#key-2"' in files[f"https://badges.test{public_prefix('system')}/did.json"]
    verdicts = check_status_with_openbadgeslib(
        did, files, {"kept": (await entries(app))["kept@example.org"]}
    )
    assert verdicts["kept"] == {"ok": True, "error": None}


async def test_a_tampered_list_or_another_issuers_list_is_refused(
    anon: httpx.AsyncClient, app: FastAPI
) -> None:
    entry = (await entries(app))["kept@example.org"]
    did, files = await served(anon)
    list_url = entry["statusListCredential"]
    header, payload, signature = files[list_url].split(".")
    tampered = {**files, list_url: f"{header}.{payload[:-4]}AAAA.{signature}"}
    _, issuer_files = await served(anon, "issuer")
    issuer_list = list_url.replace(public_prefix("system"), public_prefix("issuer"))
    elsewhere = {**files, list_url: issuer_files[issuer_list]}
    assert not check_status_with_openbadgeslib(did, tampered, {"x": entry})["x"]["ok"]
    verdict = check_status_with_openbadgeslib(did, elsewhere, {"x": entry})["x"]
    assert not verdict["ok"] and "issuer" in verdict["error"]
