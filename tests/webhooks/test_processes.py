"""The worker in real processes: inside `badgekit-api serve`, and as `badgekit-api worker`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from tests.factories.containers import create_system
from tests.live_server import running_server
from tests.webhooks.support import (
    add_webhook,
    award_payload,
    enqueue,
    loopback_receiver,
    one_row,
    verified_claims,
    wait_until,
)

pytestmark = pytest.mark.e2e

# The receivers are on loopback, which a worker refuses unless told otherwise.
FAST_POLLING = {
    "WEBHOOK_WORKER": "true",
    "WEBHOOK_POLL_SECONDS": "0.2",
    "WEBHOOK_ALLOW_PRIVATE": "true",
}


async def _delivered(app: FastAPI, event_id: str) -> bool:
    return (await one_row(app, event_id)).status == "delivered"


async def test_serve_runs_the_delivery_worker_by_default(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    await create_system(client)
    server = running_server(settings.database_url, extra_env=FAST_POLLING)
    async with loopback_receiver() as receiver:
        webhook = await add_webhook(client, url=receiver.url)
        await asyncio.to_thread(server.__enter__)
        try:
            [event_id] = await enqueue(app, award_payload())
            await wait_until(lambda: _delivered(app, event_id))
        finally:
            await asyncio.to_thread(server.__exit__, None, None, None)
    [call] = receiver.calls
    assert verified_claims(call, webhook["secret"])["jti"] == event_id


async def test_the_worker_command_delivers_and_stops_cleanly_on_sigterm(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    await create_system(client)
    env = {**os.environ, "DATABASE_URL": settings.database_url, **FAST_POLLING}
    async with loopback_receiver() as receiver:
        await add_webhook(client, url=receiver.url)
        process = subprocess.Popen(
            [sys.executable, "-m", "badgekit_api.cli", "worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            ids = [(await enqueue(app, award_payload(f"u{n}")))[0] for n in range(3)]
            for event_id in ids:
                await wait_until(lambda event_id=event_id: _delivered(app, event_id))
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                code = await asyncio.to_thread(process.wait, 15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise
    output = process.stdout.read().decode() if process.stdout else ""
    assert code == 0, output
    assert "Delivering webhook events" in output
    assert [call.json()["uid"] for call in receiver.calls] == ["u0", "u1", "u2"]
