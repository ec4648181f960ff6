"""`badgekit-api import-original` as an operator runs it: progress per table, the closing
report, `--dry-run`, `--report`, the original's DB_* variables, and a kill midway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.config import Settings
from badgekit_api.models import ImportedRow
from tests.importing.support import (
    SOURCE_NAME,
    imported_instances,
    original_assertion,
    prepare_target,
)

COMMAND = [sys.executable, "-m", "badgekit_api", "import-original"]


def _environment(settings: Settings, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DATABASE_URL"))}
    return {**keep, "DATABASE_URL": settings.database_url, "NO_COLOR": "1", **extra}


def _run(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        COMMAND + arguments, env=environment, capture_output=True, text=True, timeout=300
    )


async def _imported_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(ImportedRow))
    return int(count or 0)


async def test_the_command_shows_progress_and_the_report(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    settings: Settings,
    legacy_url: str,
    tmp_path: Path,
) -> None:
    await prepare_target(client)
    report_file = tmp_path / "report.json"
    done = _run([legacy_url, "--report", str(report_file)], _environment(settings))
    assert done.returncode == 0, done.stderr
    # A bar per table with its count, then the table of what happened and why.
    assert "badgeInstances" in done.stderr and "15/15" in done.stderr
    assert "kept with a fallback" in done.stdout
    assert "slug longer than 64" not in done.stdout  # the rule is worded as in the docs
    assert "slug empty or longer than 64 characters" in done.stdout
    report = json.loads(report_file.read_text())
    assert report["badgeInstances"]["imported"] == 12
    assert await _imported_rows(engine) > 0


async def test_a_dry_run_from_the_original_variables_writes_nothing(
    engine: AsyncEngine, settings: Settings, legacy_url: str
) -> None:
    source = make_url(legacy_url)
    environment = _environment(
        settings,
        DB_HOST=str(source.host),
        DB_PORT=str(source.port or 3306),
        DB_NAME=str(source.database),
        DB_USER=str(source.username),
    )
    done = _run(["--dry-run", "--source-name", SOURCE_NAME], environment)
    assert done.returncode == 0, done.stderr
    assert "Dry run: nothing written" in done.stdout
    assert await _imported_rows(engine) == 0


async def test_no_source_is_one_line_and_status_1(settings: Settings) -> None:
    done = _run([], _environment(settings))
    assert done.returncode == 1
    assert "SOURCE_URL" in done.stderr and "Traceback" not in done.stderr


async def test_killed_midway_then_run_again_completes(
    client: httpx.AsyncClient,
    anon: httpx.AsyncClient,
    engine: AsyncEngine,
    settings: Settings,
    legacy_url: str,
) -> None:
    await prepare_target(client)
    environment = _environment(settings)
    process = subprocess.Popen(
        [*COMMAND, legacy_url, "--batch-size", "1"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while await _imported_rows(engine) < 20 and process.poll() is None:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the import ended before it was killed"
    partial = await _imported_rows(engine)
    done = _run([legacy_url], environment)
    assert done.returncode == 0, done.stderr
    assert await _imported_rows(engine) > partial
    for instance in imported_instances():
        document = (await anon.get(f"/public/assertions/{instance['slug']}")).json()
        expected = original_assertion(instance)
        assert {key: document.get(key) for key in expected} == expected


async def test_an_unreachable_source_is_one_line_naming_it_without_its_password(
    settings: Settings,
) -> None:
    done = _run(["mysql://root:hunter2@127.0.0.1:1/h3_legacy"], _environment(settings))
    assert done.returncode == 1
    assert "Cannot read the original database" in done.stderr
    assert "127.0.0.1:1/h3_legacy" in done.stderr
    assert "hunter2" not in done.stderr and "Traceback" not in done.stderr
