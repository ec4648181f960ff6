"""`badgekit-api webhooks ...`: the admin commands, run against the test database."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner, Result

from badgekit_api.cli import app as cli
from badgekit_api.config import Settings
from tests.factories.containers import create_system
from tests.webhooks.support import MockReceiver, award_payload, deliver, enqueue

pytestmark = pytest.mark.usefixtures("system")


@pytest.fixture
async def system(client: httpx.AsyncClient) -> None:
    await create_system(client)


async def run(settings: Settings, *args: str) -> Result:
    """Invoke the CLI in a thread: its commands run their own event loop."""
    runner = CliRunner()
    env = {"DATABASE_URL": settings.database_url}
    return await asyncio.to_thread(runner.invoke, cli, list(args), env=env)


async def add_to_chicago(settings: Settings, url: str, *options: str) -> Result:
    return await run(settings, "webhooks", "add", "--system", "chicago", "--url", url, *options)


def _webhook_id(output: str) -> int:
    match = re.search(r"^id:\s+(\d+)$", output, re.MULTILINE)
    assert match, output
    return int(match.group(1))


async def test_add_prints_the_secret_once_and_list_shows_the_webhook(settings: Settings) -> None:
    added = await run(
        settings, "webhooks", "add", "--system", "chicago", "--url", "https://hooks.example.org/in"
    )
    assert added.exit_code == 0, added.output
    secret = re.search(r"^secret: (\S+)$", added.output, re.MULTILINE)
    assert secret and len(secret.group(1)) >= 32
    webhook_id = _webhook_id(added.output)

    listed = await run(settings, "webhooks", "list", "--system", "chicago")
    assert listed.exit_code == 0
    assert listed.output.splitlines() == [
        f"{webhook_id}\tactive\taward,review,revoke\thttps://hooks.example.org/in"
    ]
    assert secret.group(1) not in listed.output


@pytest.mark.parametrize(
    "events", [["--events", "revoke", "--events", "award"], ["--events", "award,revoke"]]
)
async def test_add_takes_events_repeated_or_comma_separated(
    settings: Settings, events: list[str]
) -> None:
    added = await add_to_chicago(settings, "https://h.example.org", *events)
    assert added.exit_code == 0, added.output
    assert "events: award, revoke" in added.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--system", "chicago", "--url", "ftp://h.example.org"], "url: Must be a fully"),
        (
            ["--system", "chicago", "--url", "https://h.example.org", "--events", "boom"],
            "events: Unknown event `boom`",
        ),
        (
            ["--system", "nowhere", "--url", "https://h.example.org"],
            "Could not find system field: `slug`, value: `nowhere`",
        ),
    ],
)
async def test_add_refuses_bad_input(settings: Settings, args: list[str], message: str) -> None:
    result = await run(settings, "webhooks", "add", *args)
    assert result.exit_code == 1
    assert message in result.output
    listed = await run(settings, "webhooks", "list", "--system", "chicago")
    assert listed.output == ""


async def test_deliveries_show_each_event_and_its_state(app: FastAPI, settings: Settings) -> None:
    added = await run(settings, "webhooks", "add", "--system", "chicago", "--url", "http://r.test/")
    webhook_id = _webhook_id(added.output)
    first = (await enqueue(app, award_payload("u1")))[0]
    second = (await enqueue(app, award_payload("u2")))[0]
    receiver = MockReceiver(respond=lambda call: 500 if call.json()["uid"] == "u2" else 200)
    async with receiver.client() as http:
        await deliver(app, http)

    shown = await run(settings, "webhooks", "deliveries", str(webhook_id))
    assert shown.exit_code == 0, shown.output
    newest, oldest = shown.output.splitlines()
    assert newest.startswith(f"{second}\taward\tpending\tattempts=1\tlast=500\tnext=")
    assert newest.endswith("error=HTTP 500: receiver says no")
    assert oldest.startswith(f"{first}\taward\tdelivered\tattempts=1\tlast=200\tnext=-")

    limited = await run(settings, "webhooks", "deliveries", str(webhook_id), "--limit", "1")
    assert len(limited.output.splitlines()) == 1


async def test_remove_deletes_the_webhook(settings: Settings) -> None:
    added = await run(settings, "webhooks", "add", "--system", "chicago", "--url", "http://r.test/")
    webhook_id = _webhook_id(added.output)
    removed = await run(settings, "webhooks", "remove", str(webhook_id))
    assert removed.exit_code == 0
    assert removed.output.strip() == f"Removed webhook {webhook_id}."
    assert (await run(settings, "webhooks", "list", "--system", "chicago")).output == ""

    again = await run(settings, "webhooks", "remove", str(webhook_id))
    assert again.exit_code == 1
    assert f"Could not find webhook field: `id`, value: `{webhook_id}`" in again.output
    missing = await run(settings, "webhooks", "deliveries", str(webhook_id))
    assert missing.exit_code == 1


async def test_add_keeps_a_given_secret(settings: Settings) -> None:
    """An issuer moving from the original keeps its receiver's secret."""
    kept = "the-receivers-secret-from-the-original-api"
    added = await add_to_chicago(settings, "https://hooks.example.org/in", "--secret", kept)
    assert added.exit_code == 0, added.output
    assert re.search(rf"^secret: {kept}$", added.output, re.MULTILINE), added.output
