"""`badgekit-api award --csv`, run as a user runs it against a real server."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import instances_url
from tests.support import AS_ON_A_TERMINAL, TEST_SECRET, on_screen, run_cli

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

    run = run_cli(*args, env={**env, **AS_ON_A_TERMINAL}, cwd=tmp_path)

    assert run.code == 1, run.stderr
    # The upload bar, drawn until the whole file is sent; then the table of what became of
    # the rows, and one of the invalid rows with their reasons.
    size = len(CSV_TEXT.encode())
    bars = re.findall(r"Uploading [^\r\n]*? (\d+)/(\d+) bytes", on_screen(run.stderr))
    assert bars and bars[-1] == (str(size), str(size)), run.stderr
    out = on_screen(run.stdout)
    assert re.search(r"┃ created ┃ skipped ┃ invalid ┃\n.*\n│ +2 │ +0 │ +1 │", out), out
    assert "Invalid rows" in out
    assert re.search(r"│ 3 +│ not-an-email +│ email: ", out), out
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
