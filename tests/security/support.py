"""Helpers for the hardening tests: apps with other settings, hand-made tokens, a fake
clock, Redis on a test database of its own."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from badgekit_api.main import create_app
from badgekit_api.security.signing import authorization_header, body_hash
from tests.support import BASE_URL, TEST_SECRET

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@asynccontextmanager
async def app_with(settings: Settings, **overrides: Any) -> AsyncIterator[FastAPI]:
    """An app on the test database with some settings changed (the schema is there)."""
    app = create_app(settings.model_copy(update=overrides))
    try:
        yield app
    finally:
        await app.state.shared.close()
        await app.state.engine.dispose()


def client_of(app: FastAPI, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """An unsigned client of `app` that connects from `address`."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 4321)),
        base_url=BASE_URL,
    )


def token_header(
    method: str,
    path: str,
    body: bytes | None = None,
    *,
    key: str = "master",
    secret: str = TEST_SECRET,
    **claims: Any,
) -> dict[str, str]:
    """`Authorization` for one request, with any extra claims (None leaves one out)."""
    payload: dict[str, Any] = {"key": key, "method": method, "path": path, **claims}
    if body is not None:
        payload["body"] = body_hash(body)
    payload = {name: value for name, value in payload.items() if value is not None}
    return {"Authorization": authorization_header(jwt.encode(payload, secret, algorithm="HS256"))}


def fresh_claims(ttl: int = 60) -> dict[str, Any]:
    """`exp` a little ahead and a new `jti`: a token every policy accepts."""
    return {"exp": int(time.time()) + ttl, "jti": uuid.uuid4().hex}


class FakeClock:
    """Seconds since the epoch that move only when told to."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


@asynccontextmanager
async def redis_db() -> AsyncIterator[Any]:
    """A client of the test Redis database, emptied before and after; skips without Redis."""
    from redis.asyncio import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except (OSError, RedisConnectionError) as exc:
        await redis.aclose()
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    await redis.flushdb()
    try:
        yield redis
    finally:
        await redis.flushdb()
        await redis.aclose()
