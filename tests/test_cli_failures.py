"""A user's mistake gets one clear line and a non-zero exit, never a traceback; and the CLI
never makes an empty SQLite database where it happens to be run.

Each command runs in its own process, in an empty folder, as a user would run it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from badgekit_api.cli.database import described
from badgekit_api.migrations.runner import head_revisions
from tests import support
from tests.live_server import free_port
from tests.scratch_database import scratch_database
from tests.support import TEST_SECRET, CliRun, run_cli

SUITE_URL = make_url(support.test_database_url("/unused"))
ON_SQLITE = SUITE_URL.get_backend_name() == "sqlite"


def one_line_failure(run: CliRun, *words: str) -> None:
    assert run.code == 1, run
    assert "Traceback" not in run.stderr, run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    for word in words:
        assert word in run.stderr, run.stderr


def systems_list(folder: Path, database_url: str | None = None) -> CliRun:
    env = {"DATABASE_URL": database_url} if database_url else {}
    return run_cli("systems", "list", env=env, cwd=folder)


def test_in_a_folder_without_a_database_nothing_is_created(tmp_path: Path) -> None:
    one_line_failure(systems_list(tmp_path), f"No database at {tmp_path}/badgekit.db", "migrate")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://postgres@127.0.0.1:{port}/badgekit",
        "mysql+asyncmy://root@127.0.0.1:{port}/badgekit",
    ],
    ids=["postgresql", "mariadb"],
)
def test_an_unreachable_database(tmp_path: Path, url: str) -> None:
    url = url.format(port=free_port())
    one_line_failure(systems_list(tmp_path, url), f"Cannot use the database {url}")


def test_a_database_that_does_not_exist(tmp_path: Path) -> None:
    if ON_SQLITE:
        url = f"sqlite+aiosqlite:///{tmp_path}/nowhere/badgekit.db"
        one_line_failure(systems_list(tmp_path, url), "No database at")
        return
    url = SUITE_URL.set(database="badgekit_no_such_database")
    shown = url.render_as_string(hide_password=True)
    run = systems_list(tmp_path, url.render_as_string(hide_password=False))
    one_line_failure(run, f"Cannot use the database {shown}", "badgekit_no_such_database")


@pytest.mark.skipif(ON_SQLITE, reason="SQLite has no users")
def test_a_wrong_password(tmp_path: Path) -> None:
    url = SUITE_URL.set(username="badgekit_nobody", password="wrong-password")
    run = systems_list(tmp_path, url.render_as_string(hide_password=False))
    one_line_failure(run, "Cannot use the database", "badgekit_nobody")
    assert "wrong-password" not in run.stderr


async def test_a_database_without_the_schema_is_refused(tmp_path: Path) -> None:
    async with scratch_database(tmp_path) as url:
        if ON_SQLITE:
            Path(make_url(url).database or "").touch()
        one_line_failure(systems_list(tmp_path, url), "has no schema", "badgekit-api migrate")


async def test_migrate_says_which_database_and_revision_and_nothing_else(
    tmp_path: Path,
) -> None:
    async with scratch_database(tmp_path) as url:
        run = run_cli("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
        [head] = head_revisions()
        assert run.code == 0, run.stderr
        # On MariaDB the driver used to log a warning for each table's primary key name.
        assert run.stderr == ""
        assert run.output == f"Database {described(url)} is at revision {head} (the latest).\n"
        assert systems_list(tmp_path, url).output == ""


def test_a_bad_setting(tmp_path: Path) -> None:
    run = run_cli("systems", "list", env={"DATABASE_POOL_SIZE": "many"}, cwd=tmp_path)
    one_line_failure(run, "Bad setting", "DATABASE_POOL_SIZE")


def test_token_with_a_missing_body_file(tmp_path: Path) -> None:
    run = run_cli(
        "token",
        "POST",
        "/systems",
        "--body",
        "body.json",
        env={"MASTER_SECRET": TEST_SECRET},
        cwd=tmp_path,
    )
    one_line_failure(run, "no such file", "body.json")
