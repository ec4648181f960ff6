"""Test helpers: a client that signs every request the BadgeKit way, and a query counter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.engine.default import CACHE_HIT
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.db import driver
from badgekit_api.security.signing import sign_request

TEST_SECRET = "test-master-secret-that-is-long-enough-0123456789"
# KEY_ENCRYPTION_KEY of the test servers: 32 bytes, base64url.
TEST_KEY_ENCRYPTION_KEY = "dGVzdC1rZXktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM"
BASE_URL = "http://badges.test"


def test_database_url(tmp_dir: str) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_dir}/test.db"


def signing_hook(key: str, secret: str) -> Any:
    async def sign(request: httpx.Request) -> None:
        if "authorization" in request.headers:
            return
        body = await request.aread()
        method = request.method
        has_body = method in ("POST", "PUT") or bool(body)
        path = request.url.raw_path.decode("ascii")
        request.headers["Authorization"] = sign_request(
            method, path, body if has_body else None, key=key, secret=secret
        )

    return sign


def make_client(
    app: Any, *, key: str | None = "master", secret: str = TEST_SECRET
) -> httpx.AsyncClient:
    """An ASGI client; it signs every request with `key`/`secret` unless `key` is None."""
    hooks = {"request": [signing_hook(key, secret)]} if key else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url=BASE_URL,
        event_hooks=hooks,
    )


def make_live_client(base_url: str, *, connections: int = 10) -> httpx.AsyncClient:
    """A client of a real server (`live_server`) signing with the master key, with up to
    `connections` requests in flight at once (one connection each)."""
    return httpx.AsyncClient(
        base_url=base_url,
        event_hooks={"request": [signing_hook("master", TEST_SECRET)]},
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=0),
        timeout=httpx.Timeout(60),
    )


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []
        # Statements compiled afresh for this run (not found in the compiled cache).
        self.compiled: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(engine: AsyncEngine) -> Iterator[QueryCounter]:
    """Count the SQL statements the engine runs inside the block."""
    counter = QueryCounter()

    def record(
        _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            counter.statements.append(statement)
            if context is not None and context.compiled is not None:
                if context.cache_hit is not CACHE_HIT:
                    counter.compiled.append(statement)

    def record_on_driver(statement: str, compiled_now: bool) -> None:
        # The start statements PostgreSQL runs on asyncpg directly (db/driver.py).
        counter.statements.append(statement)
        if compiled_now:
            counter.compiled.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    driver.observers.append(record_on_driver)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
        driver.observers.remove(record_on_driver)


# What a user's shell would not have set: each CLI run below names what it uses.
_CLI_VARIABLES = (
    *("DATABASE_URL", "MASTER_SECRET", "BADGEKIT_URL", "NO_COLOR", "FORCE_COLOR", "DEV"),
    *("TTY_COMPATIBLE", "TTY_INTERACTIVE"),
)
# rich draws its progress bars only on a terminal: with these (and run_cli's pipes) it
# draws them as it would on one, so that a test sees what a user would.
AS_ON_A_TERMINAL = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "NO_COLOR": "1"}
_TERMINAL_CODES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_screen(shown: str | bytes) -> str:
    """A command's output without its cursor and style codes."""
    text = shown.decode() if isinstance(shown, bytes) else shown
    return _TERMINAL_CODES.sub("", text)


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: bytes
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout.decode()


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: bytes = b""
) -> CliRun:
    """`badgekit-api ARGS` in a process of its own, as a user runs it, in `cwd`."""
    environment = {
        name: value for name, value in os.environ.items() if name.upper() not in _CLI_VARIABLES
    }
    done = subprocess.run(
        [sys.executable, "-m", "badgekit_api.cli", *args],
        env={**environment, **(env or {})},
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return CliRun(done.returncode, done.stdout, done.stderr.decode())
