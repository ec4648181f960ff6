"""The load benchmark (bench/) runs end to end: a second per scenario on SQLite."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bench.scenarios import SCENARIO_NAMES

ROOT = Path(__file__).resolve().parent.parent
SMALL = (
    *("--databases", "sqlite", "--duration", "1", "--warmup", "0", "--max-rate", "60"),
    *("--badges", "13", "--earners", "40", "--applications", "4", "--claim-codes", "10"),
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "server",
    [
        "uvicorn",
        pytest.param(
            "granian",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("granian") is None, reason="the granian extra"
            ),
        ),
    ],
)
def test_the_benchmark_runs_every_scenario_and_checks_its_results(
    tmp_path: Path, server: str
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench", *SMALL, "--server", server, "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads((tmp_path / "latest.json").read_text())
    sqlite = results["databases"]["sqlite"]
    assert sqlite["baseline"]["rate"] > 0
    assert list(sqlite["scenarios"]) == list(SCENARIO_NAMES)
    for name, row in sqlite["scenarios"].items():
        assert row["requests"] > 0, name
        assert row["errors"] == 0, (name, row["error_detail"])
        assert row["wrong"] == 0, name
        assert row["queries"] >= 0, name
        # Each worker's resident memory was found and read (a server worker holds tens of MB).
        assert 20 < row["worker_rss_mb"] < 1000, name
        # The server's processes were found and their CPU read: every answer costs some.
        assert row["cpu_ms"]["server"] > 0, name
    claims = sqlite["claim_check"]
    assert claims["codes_tried"] > 0
    assert claims["won_more_than_once"] == claims["won_but_not_claimed"] == 0
    report = (tmp_path / "latest.md").read_text()
    assert "| claim a code (4 claimers per code)" in report
    assert "Largest worker RSS after a scenario" in report
    assert "CPU milliseconds per request, by process" in report


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="bench.floor measures a PostgreSQL backend",
)
def test_the_floor_measures_every_hot_statement_on_each_layer(tmp_path: Path) -> None:
    url = os.environ["TEST_DATABASE_URL"].rsplit("/", 1)[0] + "/bk_bench_floor_test"
    run = subprocess.run(
        [sys.executable, "-m", "bench.floor", "--postgres-url", url, "--rounds", "20"]
        + ["--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads((tmp_path / "floor.json").read_text())
    assert {"one badge", "public assertion", "an earner's instances"} <= set(results)
    for name, row in results.items():
        # Through SQLAlchemy is the driver's work and more.
        assert 0 < row["driver_ms"] < row["sqlalchemy_ms"], name
        assert row["database_ms"] >= 0, name
    # The backend's CPU comes in clock ticks: over all statements, some were counted.
    assert sum(row["database_ms"] for row in results.values()) > 0


@pytest.mark.slow
def test_the_http_profile_prints_a_row_for_each_layer() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench.http_profile", "--requests", "20", "--rounds", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ")]
    names = [row.split(" | ")[0].removeprefix("| ").strip() for row in rows[2:]]
    assert names[0] == "bare ASGI (baseline_app)"
    assert "+ the edge layer (as served)" in names
    assert "as served, request log off" in names
    for row in rows[2:]:  # a figure for GET / in every row
        assert float(row.split(" | ")[1].split(" ")[0]) > 0, row
