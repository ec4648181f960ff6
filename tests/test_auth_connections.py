"""The auth check reads through the request's own connection and gives it back before
writing (a failure count, a used token id) in a transaction of its own, so a burst of
requests larger than the pool never has each one hold a connection while waiting for a
second: no 503s from an exhausted pool."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from badgekit_api.main import create_app
from badgekit_api.security.signing import sign_request
from tests.support import TEST_SECRET, make_client

BURST = 12


@pytest.fixture
async def small_pool_app(app: FastAPI, settings: Settings) -> AsyncIterator[FastAPI]:  # noqa: ARG001 - app migrates
    if settings.is_sqlite:
        pytest.skip("SQLite checks auth in sessions of its own")
    tiny = create_app(
        settings.model_copy(
            update={
                "database_pool_size": 2,
                "database_max_overflow": 0,
                "database_pool_timeout_seconds": 3.0,
                "replay_protection": True,
            }
        )
    )
    yield tiny
    await tiny.state.engine.dispose()


async def _burst(client: httpx.AsyncClient, headers: list[dict[str, str]]) -> list[int]:
    responses = await asyncio.gather(*(client.get("/systems", headers=h) for h in headers))
    return [response.status_code for response in responses]


def _fresh_token(secret: str = TEST_SECRET) -> dict[str, str]:
    claims: dict[str, Any] = {"exp": int(time.time()) + 60, "jti": uuid.uuid4().hex}
    return {
        "Authorization": sign_request(
            "GET", "/systems", None, key="master", secret=secret, **claims
        )
    }


async def test_a_burst_of_bad_tokens_is_all_403_not_503(small_pool_app: FastAPI) -> None:
    async with make_client(small_pool_app, key=None) as client:
        statuses = await _burst(
            client,
            [_fresh_token("not-the-secret-but-just-as-long-0123456789") for _ in range(BURST)],
        )
    assert statuses == [403] * BURST


async def test_a_burst_of_fresh_tokens_under_replay_protection_is_all_200(
    small_pool_app: FastAPI,
) -> None:
    async with make_client(small_pool_app, key=None) as client:
        statuses = await _burst(client, [_fresh_token() for _ in range(BURST)])
    assert statuses == [200] * BURST
