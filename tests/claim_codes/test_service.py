"""`claim_codes.service.claim`, as badge issuing calls it inside its own transaction."""

from __future__ import annotations

import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from badgekit_api.claim_codes import service as claim_code_service
from badgekit_api.errors import CodeAlreadyUsed, NotFound
from badgekit_api.models import Badge
from tests.factories.badges import create_badge
from tests.factories.containers import create_tree

CODE_URL = "/systems/chicago/badges/python-basics/codes/gift"


@pytest.fixture
async def sessions(client: httpx.AsyncClient, app: FastAPI) -> async_sessionmaker[AsyncSession]:
    await create_tree(client)
    await create_badge(client)
    await client.post("/systems/chicago/badges/python-basics/codes", json={"code": "gift"})
    return app.state.session_factory  # type: ignore[no-any-return]


async def the_badge(session: AsyncSession) -> Badge:
    badge = await session.scalar(select(Badge).where(Badge.slug == "python-basics"))
    assert badge is not None
    return badge


async def test_a_claim_rolled_back_with_its_transaction_leaves_the_code_free(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        claimed = await claim_code_service.claim(
            session, await the_badge(session), "gift", "a@example.org"
        )
        shown = orjson.loads(claimed)
        assert (shown["claimed"], shown["email"]) == (True, "a@example.org")
        await session.rollback()
    stored = (await client.get(CODE_URL)).json()["claimCode"]
    assert (stored["claimed"], stored["email"]) == (False, None)


async def test_a_claim_committed_with_its_transaction_sticks(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        await claim_code_service.claim(session, await the_badge(session), "gift", "a@example.org")
    async with sessions() as session:
        with pytest.raises(CodeAlreadyUsed):
            await claim_code_service.claim(session, await the_badge(session), "gift", None)
        with pytest.raises(NotFound):
            await claim_code_service.claim(session, await the_badge(session), "nope", None)
    stored = (await client.get(CODE_URL)).json()["claimCode"]
    assert (stored["claimed"], stored["email"]) == (True, "a@example.org")
