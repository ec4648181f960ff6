"""`badgekit-api award --csv`, run as a user runs it against a real server."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import instances_url
from tests.support import TEST_SECRET, run_cli

CSV_TEXT = (
    "email,issuedOn,comment\n"
    "ada@example.org,2024-05-01,Summer camp\n"
    "not-an-email,,\n"
    "bob@example.org,,\n"
)


async def test_award_uploads_the_csv_and_sums_up_each_row(
    client: httpx.AsyncClient, live_server: str, tmp_path: Path
) -> None:
    await create_tree(client)
    await create_badge(client, "program")
    (tmp_path / "earners.csv").write_text(CSV_TEXT)
    env = {"MASTER_SECRET": TEST_SECRET, "BADGEKIT_URL": live_server, "NO_COLOR": "1"}
    args = ("award", "--system", "chicago", "--issuer", "library")
    args += ("--program", "readers", "--badge", "python-basics", "--csv", "earners.csv")

    run = run_cli(*args, env=env, cwd=tmp_path)

    assert run.code == 1, run.stderr
    assert "Uploading" in run.stderr
    out = run.stdout.decode() if isinstance(run.stdout, bytes) else run.stdout
    assert "created" in out and "skipped" in out and "invalid" in out
    assert "│       2 │       0 │       1 │" in out, out
    assert "Invalid rows" in out and "not-an-email" in out and "email:" in out
    shown = await client.get(f"{instances_url('program')}/ada@example.org")
    assert shown.json()["instance"]["comment"] == "Summer camp"

    again = run_cli(*args, "--all-or-nothing", env=env, cwd=tmp_path)
    assert again.code == 4, again.stderr
    assert "400" in again.stderr

    (tmp_path / "earners.csv").write_text("email\nada@example.org\ncyd@example.org\n")
    good = run_cli(*args, env=env, cwd=tmp_path)
    assert good.code == 0, good.stderr
    text = good.stdout.decode() if isinstance(good.stdout, bytes) else good.stdout
    assert "│       1 │       1 │       0 │" in text, text
