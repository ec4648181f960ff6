"""The worker in real processes: inside `badgekit-api serve`, and as `badgekit-api worker`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from tests.factories.containers import create_system
from tests.live_server import running_server
from tests.webhooks.support import (
    Received,
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


TWO_WORKERS_EVENTS = 150  # per webhook; two webhooks


async def test_two_worker_processes_deliver_each_of_hundreds_of_events_once(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    """Two `badgekit-api worker` processes on one database, events queued while they run:
    every event arrives exactly once, and both processes take part."""
    await create_system(client)
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        **FAST_POLLING,
        "WEBHOOK_BATCH_SIZE": "10",
        "LOG_LEVEL": "DEBUG",
    }
    logs = [tmp_path / f"worker-{number}.log" for number in (1, 2)]
    async with loopback_receiver() as receiver:
        # A little time per call, so that both workers have claims in flight at once.
        receiver.delay_seconds = 0.005
        secrets = [(await add_webhook(client, url=receiver.url))["secret"] for _ in range(2)]
        workers = [_start_worker(env, log) for log in logs]
        try:
            queued: list[str] = []
            for number in range(TWO_WORKERS_EVENTS):
                queued += await enqueue(app, award_payload(f"u{number}"))

            async def all_arrived() -> bool:
                await asyncio.sleep(0.1)
                return {call.event_id for call in receiver.calls} >= set(queued)

            await wait_until(all_arrived, timeout=120)
            await asyncio.sleep(1)  # time for a second delivery of anything, if one came
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            codes = [await asyncio.to_thread(worker.wait, 30) for worker in workers]

    assert len(queued) == 2 * TWO_WORKERS_EVENTS
    arrived = [call.event_id for call in receiver.calls]
    assert sorted(arrived) == sorted(queued), "an event arrived twice, or one never did"
    assert all(_signed_by_one_of(call, secrets) for call in receiver.calls)
    assert codes == [0, 0]
    delivered_by = [_delivered_events(log) for log in logs]
    assert all(delivered_by), "one worker delivered nothing: no concurrency was tested"
    assert not delivered_by[0] & delivered_by[1]
    assert delivered_by[0] | delivered_by[1] == set(queued)


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # A file, not a pipe: nobody reads a pipe while the test runs, and a full one blocks.
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "badgekit_api.cli", "worker"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _signed_by_one_of(call: Received, secrets: list[str]) -> bool:
    for secret in secrets:
        try:
            verified_claims(call, secret)
        except jwt.InvalidSignatureError:
            continue
        return True
    return False


def _delivered_events(log: Path) -> set[str]:
    """The ids of the events a worker's log says it delivered."""
    delivered = set()
    for line in log.read_text().splitlines():
        if line.startswith("{") and "delivered: HTTP" in line:
            delivered.add(json.loads(line)["event_id"])
    return delivered
