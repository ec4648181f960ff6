"""`badgekit-api consumers create|list|rotate|revoke`, and `worker` refusing a weak secret.

Run in-process against a temporary SQLite file; the keys are then tried on an app on it.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from badgekit_api import logging_config
from badgekit_api.cli import app as cli
from badgekit_api.config import Settings
from badgekit_api.main import create_app
from badgekit_api.webhooks.worker import DeliveryWorker
from tests.support import TEST_SECRET, make_client

KEY_AND_SECRET = re.compile(r"^key:\s+(\S+)\nsecret:\s+(\S+)$", re.MULTILINE)


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)  # no stray `.env`
    monkeypatch.delenv("DEV", raising=False)
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    assert run(url, "migrate").exit_code == 0
    for slug in ("chicago", "pittsburgh"):
        created = run(url, "systems", "create", "--slug", slug, "--name", slug)
        assert created.exit_code == 0, created.output
    return url


def run(database_url: str, *args: str, secret: str | None = TEST_SECRET, **env: str) -> Result:
    environment = {"DATABASE_URL": database_url, "MASTER_SECRET": secret, **env}
    if args[:2] == ("systems", "create"):
        args = (*args, "--url", "https://example.org")
    return CliRunner().invoke(cli, list(args), env=environment)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def key_and_secret(output: str) -> tuple[str, str]:
    found = KEY_AND_SECRET.search(output)
    assert found, output
    return found.group(1), found.group(2)


def statuses(database_url: str, *calls: tuple[str, str, str]) -> list[int]:
    """GET each path signed with (key, secret) against an app on the CLI's database."""

    async def main() -> list[int]:
        app = create_app(Settings(database_url=database_url, master_secret=TEST_SECRET))
        answers = []
        try:
            for key, secret, path in calls:
                async with make_client(app, key=key, secret=secret) as client:
                    answers.append((await client.get(path)).status_code)
        finally:
            await app.state.engine.dispose()
        return answers

    return asyncio.run(main())


def test_create_list_rotate_and_revoke(database_url: str) -> None:
    key, first = key_and_secret(ok(run(database_url, "consumers", "create", "--system", "chicago")))
    other, _ = key_and_secret(
        ok(run(database_url, "consumers", "create", "--system", "pittsburgh"))
    )

    listing = ok(run(database_url, "consumers", "list"))
    assert [line.split("\t")[:3] for line in listing.splitlines()] == [
        [key, "chicago", "active"],
        [other, "pittsburgh", "active"],
    ]
    assert first not in listing
    assert ok(run(database_url, "consumers", "list", "--system", "pittsburgh")).startswith(other)

    rotated = ok(run(database_url, "consumers", "rotate", key, "--overlap", "600"))
    _, second = key_and_secret(rotated)
    assert second != first and "600 seconds" in rotated
    listing = ok(run(database_url, "consumers", "list"))
    assert "old secret valid until" in listing and second not in listing
    assert statuses(
        database_url, (key, first, "/systems/chicago"), (key, second, "/systems/chicago")
    ) == [200, 200]

    assert f"Revoked key `{key}`" in ok(run(database_url, "consumers", "revoke", key))
    assert ok(run(database_url, "consumers", "list")).splitlines()[0].split("\t")[2] == "revoked"
    assert statuses(
        database_url,
        (key, first, "/systems/chicago"),
        (key, second, "/systems/chicago"),
        (other, "x" * 43, "/systems/pittsburgh"),
    ) == [403, 403, 403]


def test_rotating_without_overlap_retires_the_old_secret_at_once(database_url: str) -> None:
    key, first = key_and_secret(ok(run(database_url, "consumers", "create", "--system", "chicago")))
    _, second = key_and_secret(ok(run(database_url, "consumers", "rotate", key, "--overlap", "0")))
    assert statuses(
        database_url, (key, first, "/systems/chicago"), (key, second, "/systems/chicago")
    ) == [403, 200]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("consumers", "rotate", "nobody"), "ResourceNotFound"),
        (("consumers", "revoke", "nobody"), "ResourceNotFound"),
        (("consumers", "rotate", "nobody", "--overlap", "-1"), "--overlap"),
    ],
)
def test_unknown_keys_and_bad_options_fail(
    database_url: str, args: tuple[str, ...], message: str
) -> None:
    result = run(database_url, *args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_a_revoked_key_cannot_be_rotated(database_url: str) -> None:
    key, _ = key_and_secret(ok(run(database_url, "consumers", "create", "--system", "chicago")))
    ok(run(database_url, "consumers", "revoke", key))
    result = run(database_url, "consumers", "rotate", key)
    assert result.exit_code == 1 and "ResourceConflict" in result.stderr


# The worker refuses what `serve` refuses: a master secret shorter than 32 bytes.


@pytest.fixture
def worker_runs(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Stands in for the delivery loop, so a worker that starts returns at once."""
    runs: list[Any] = []

    async def run_once(self: DeliveryWorker) -> None:
        runs.append(self)

    monkeypatch.setattr(DeliveryWorker, "run", run_once)
    # Logging is set up for the process: keep this test process's own.
    monkeypatch.setattr(logging_config, "configure_logging", lambda level: runs.append(level))
    return runs


def test_the_worker_refuses_a_short_master_secret(
    database_url: str, worker_runs: list[Any]
) -> None:
    result = run(database_url, "worker", secret="x" * 31)
    assert result.exit_code == 1
    assert "at least 32 bytes" in result.stderr
    assert worker_runs == []


@pytest.mark.parametrize(
    ("secret", "args"),
    [("x" * 32, ()), ("short", ("--dev",)), (None, ())],
    ids=["long enough", "short with --dev", "none: the worker verifies nothing"],
)
def test_the_worker_starts_otherwise(
    database_url: str, worker_runs: list[Any], secret: str | None, args: tuple[str, ...]
) -> None:
    result = run(database_url, "worker", *args, secret=secret)
    assert result.exit_code == 0, result.output
    assert worker_runs[0] == "INFO"
    assert isinstance(worker_runs[1], DeliveryWorker)
