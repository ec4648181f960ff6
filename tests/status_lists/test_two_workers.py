"""Two server processes awarding at once, and making a profile's first key at once: the
database settles both (no two awards share a status bit, one key is made)."""

from __future__ import annotations

import asyncio

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from badgekit_api.config import Settings
from badgekit_api.models import SigningKey
from badgekit_api.status_lists import bitstring
from badgekit_api.status_lists.entries import position
from tests.factories.badges import badge_body
from tests.factories.instances import stored_instances
from tests.live_server import running_server
from tests.support import TEST_SECRET, signing_hook

AT_ONCE = 24


@pytest.mark.e2e
async def test_two_workers_awarding_at_once_never_share_a_bit(
    app: FastAPI, settings: Settings
) -> None:
    server = running_server(settings.database_url, workers=2)
    base_url = await asyncio.to_thread(server.__enter__)
    try:
        limits = httpx.Limits(max_connections=AT_ONCE, max_keepalive_connections=0)
        hooks = {"request": [signing_hook("master", TEST_SECRET)]}
        async with httpx.AsyncClient(
            base_url=base_url, limits=limits, timeout=60, event_hooks=hooks
        ) as http:
            system = {"slug": "chicago", "name": "Chicago", "url": "https://chicago.example.org"}
            assert (await http.post("/systems", json=system)).status_code == 201
            badges = "/systems/chicago/badges"
            assert (await http.post(badges, json=badge_body())).status_code == 201
            awards = await asyncio.gather(
                *(
                    http.post(
                        f"{badges}/python-basics/instances", json={"email": f"e{n}@example.org"}
                    )
                    for n in range(AT_ONCE)
                ),
                *(http.get("/public/systems/chicago/did.json") for _ in range(AT_ONCE // 2)),
            )
            assert {response.status_code for response in awards[:AT_ONCE]} == {201}
            documents = {response.text for response in awards[AT_ONCE:]}
            assert len(documents) == 1  # every worker answered the one key
            revokes = await asyncio.gather(
                *(
                    http.delete(f"{badges}/python-basics/instances/e{n}@example.org")
                    for n in range(0, AT_ONCE, 2)
                )
            )
            assert {response.status_code for response in revokes} == {200}
            instances = await stored_instances(app)
            # Earlier tests may have moved the ids on: read each list the awards are in.
            lists = {position(row.id)[0] for row in instances}
            listed = {n: await http.get(f"/public/systems/chicago/status/{n}") for n in lists}
    finally:
        await asyncio.to_thread(server.__exit__, None, None, None)
    assert len({position(row.id) for row in instances}) == AT_ONCE
    set_bits = set()
    for number, response in listed.items():
        assert response.status_code == 200
        credential = jwt.decode(response.text, options={"verify_signature": False})
        bits = bitstring.decode(credential["credentialSubject"]["encodedList"])
        set_bits |= {(number, i) for i in range(len(bits) * 8) if bitstring.is_set(bits, i)}
    revoked = {position(row.id) for row in instances if row.revoked_at is not None}
    assert len(revoked) == AT_ONCE // 2
    assert set_bits == revoked
    async with app.state.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(SigningKey)) == 1
