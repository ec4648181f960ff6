"""`python -m bench`: seed a fresh database through the API, load every scenario with wrk,
measure the bare ASGI baseline in the same run, and report.

    python -m bench                              # SQLite and PostgreSQL, 10 s per scenario
    python -m bench --databases postgres --duration 5 --scenarios health,one_badge
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import importlib.util
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bench import cpu_share, report
from bench.checks import check_claims
from bench.plans import Signer, write_plan
from bench.queries import count_queries
from bench.scenarios import CLAIMERS_PER_CODE, SCENARIO_NAMES, SCENARIOS, Scenario
from bench.seed import Seeded, add_claim_codes, seed
from bench.servers import ROOT, SERVERS, Server, badgekit_server, baseline_server, migrate
from bench.wrk import Measured, ensure_wrk, run_wrk

SECRET = "bench-master-secret-0123456789-abcdefghijklmnop"
KEY = "master"
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/bk_bench"
PUBLIC_URL = "http://badges.bench"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="(re)created fresh")
    parser.add_argument("--scenarios", default=",".join(SCENARIO_NAMES))
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds each")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds each")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline-workers", type=int, default=1)
    parser.add_argument(
        "--server",
        choices=SERVERS,
        default="uvicorn",
        help="`badgekit-api serve` (uvicorn), or the same app under Granian",
    )
    parser.add_argument(
        "--max-rate", type=int, default=2500, help="req/s the write plans are sized for"
    )
    parser.add_argument("--badges", type=int, default=200, help="seeded badges")
    parser.add_argument("--earners", type=int, default=1000, help="25 of them get each badge")
    parser.add_argument("--applications", type=int, default=200, help="each gets a review")
    parser.add_argument(
        "--claim-codes", type=int, default=500, help="seeded (more are added for the claim run)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--skip-query-counts", action="store_true")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)  # noqa: T201


def server_env(options: argparse.Namespace | None = None) -> dict[str, str]:
    env = {**os.environ, "MASTER_SECRET": SECRET, "PUBLIC_URL": PUBLIC_URL}
    # The signing keys' encryption key: any 32 bytes do for a throwaway bench database.
    env.setdefault("KEY_ENCRYPTION_KEY", "YmVuY2gta2V5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU")
    # The load generator plays the site's proxy on loopback (see `scenarios.claim_calls`).
    env["FORWARDED_ALLOW_IPS"] = "127.0.0.1"
    if options is not None:
        # Each worker serves its share of the connections at once: a pool that holds them
        # all keeps connections from being closed and reopened between bursts.
        share = math.ceil(options.connections / options.workers)
        env |= {"DATABASE_POOL_SIZE": str(share + 4), "DATABASE_MAX_OVERFLOW": "10"}
    return env


async def fresh_postgres(url: str) -> str:
    """Drop and create the database `url` names; return its SQLAlchemy URL."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{parsed.database}"')
        version = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    MACHINE["postgresql"] = version
    return url


def measure(
    base_url: str,
    plan: Path,
    *,
    cyclic: bool,
    options: argparse.Namespace,
    server_pid: int,
    first: int = 1,
) -> tuple[Measured, Measured | None, dict[str, float]]:
    """A warm-up run (when asked for) then the measured one, continuing the plan, with the
    measured run's CPU milliseconds per request by party (bench/cpu_share.py)."""

    def run(seconds: float, start: int) -> Measured:
        return run_wrk(
            base_url,
            plan,
            first=start,
            cyclic=cyclic,
            connections=options.connections,
            seconds=seconds,
            threads=options.threads,
        )

    warm = None
    if options.warmup > 0:
        warm = run(options.warmup, first)
        first += warm.taken
    measured, cpu = cpu_share.measured(
        server_pid, lambda: run(options.duration, first), lambda done: done.answered
    )
    return measured, warm, cpu


def measure_baseline(options: argparse.Namespace, work: Path) -> dict[str, Any]:
    from bench.plans import SENTINEL

    plan = work / "baseline.plan"
    write_plan(plan, [SENTINEL], Signer(KEY, SECRET, "127.0.0.1"))
    with baseline_server(workers=options.baseline_workers, log_path=work / "baseline.log") as bare:
        measured, _, cpu = measure(
            bare.url, plan, cyclic=True, options=options, server_pid=bare.pid
        )
    log(f"baseline: {measured.rate:,.0f} req/s, p99 {measured.p99_ms:.2f} ms")
    return {**_row(measured), "cpu_ms": cpu}


def _row(measured: Measured) -> dict[str, Any]:
    return {
        "rate": round(measured.rate, 1),
        "requests": measured.answered,
        "seconds": round(measured.seconds, 3),
        "p50_ms": measured.p50_ms,
        "p90_ms": measured.p90_ms,
        "p99_ms": measured.p99_ms,
        "max_ms": measured.max_ms,
        "statuses": measured.statuses,
        "errors": measured.error_count,
        "error_detail": measured.errors,
        "wrong": measured.wrong,
    }


def calls_wanted(options: argparse.Namespace) -> int:
    seconds: float = options.warmup + options.duration + 1
    rate: int = options.max_rate
    return math.ceil(rate * seconds)


async def run_database(
    database: str,
    database_url: str,
    options: argparse.Namespace,
    work: Path,
    preloaded: Callable[[str], Awaitable[Seeded]] | None = None,
) -> dict[str, Any]:
    """Baseline, then the server on `database_url`: seed it (through the API, unless
    `preloaded` filled it already), run the scenarios, check the claims, count queries."""
    scenarios = [s for s in SCENARIOS if s.name in options.scenarios.split(",")]
    env = server_env(options)
    migrate(database_url, env)
    wanted = calls_wanted(options)
    result: dict[str, Any] = {"database": database, "scenarios": {}}
    result["baseline"] = measure_baseline(options, work)
    log_path = work / f"server-{database}.log"
    with badgekit_server(
        database_url, env, workers=options.workers, log_path=log_path, server=options.server
    ) as server:
        url = server.url
        if preloaded is None:
            log(f"{database}: seeding through the API at {url}")
        seeded = await (preloaded or _seed_through_api(options))(url)
        await _analyze(database_url)
        log(
            f"{database}: seeded {len(seeded.badges)} badges, {len(seeded.assertion_uids)} "
            f"instances, {len(seeded.claim_codes)} claim codes, {seeded.applications} "
            f"applications with {seeded.reviews} reviews"
        )
        signer = Signer(KEY, SECRET, PUBLIC_URL.removeprefix("http://"))
        recent_write_rate = float(options.max_rate)
        for scenario in scenarios:
            if scenario.name == "claim":
                await _enough_claim_codes(seeded, recent_write_rate, url, options)
            row, tagged = _run_scenario(scenario, seeded, signer, server, options, work, wanted)
            if not scenario.cyclic:
                recent_write_rate = row["rate"]
            if scenario.name == "claim":
                check = await check_claims(seeded, tagged, url, key=KEY, secret=SECRET)
                result["claim_check"] = dataclasses.asdict(check)
                row["wrong"] += check.wrong
            row["ratio"] = row["rate"] / result["baseline"]["rate"]
            # Right after the load: what each worker holds once the scenario has run.
            row["worker_rss_mb"] = round(max(server.worker_rss_mb(), default=0.0), 1)
            result["scenarios"][scenario.name] = row
    if not options.skip_query_counts:
        counts = await _query_counts(database_url, seeded, scenarios)
        for name, count in counts.items():
            result["scenarios"][name]["queries"] = count
    return result


async def _analyze(database_url: str) -> None:
    """Give the planner statistics of the seeded tables, as autovacuum gives a database in
    service (this server may run with it off, and a fresh table has none): without them
    PostgreSQL plans an earner's instances as if the system had one badge."""
    if not database_url.startswith("postgresql"):
        return
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def _seed_through_api(options: argparse.Namespace) -> Callable[[str], Awaitable[Seeded]]:
    async def seed_server(url: str) -> Seeded:
        return await seed(
            url,
            key=KEY,
            secret=SECRET,
            claim_codes=options.claim_codes,
            badges=options.badges,
            earners=options.earners,
            applications=options.applications,
        )

    return seed_server


async def _enough_claim_codes(
    seeded: Seeded, expected_rate: float, url: str, options: argparse.Namespace
) -> None:
    """Unclaimed codes for the whole claim scenario at about the last write scenario's rate
    (with room to spare), plus one left over for counting the claim's queries."""
    seconds = options.warmup + options.duration
    needed = math.ceil(max(expected_rate, 50) * 2 * seconds / CLAIMERS_PER_CODE) + 1
    missing = min(needed, math.ceil(calls_wanted(options) / CLAIMERS_PER_CODE)) - len(
        seeded.claim_codes
    )
    if missing > 0:
        log(f"claim: adding {missing} claim codes for the run")
        await add_claim_codes(url, seeded, missing, key=KEY, secret=SECRET)


def _run_scenario(
    scenario: Scenario,
    seeded: Seeded,
    signer: Signer,
    server: Server,
    options: argparse.Namespace,
    work: Path,
    wanted: int,
) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    calls = scenario.build(seeded, wanted)
    plan = work / f"{scenario.name}.plan"
    write_plan(plan, calls, signer)
    measured, warm, cpu = measure(
        server.url, plan, cyclic=scenario.cyclic, options=options, server_pid=server.pid
    )
    row = {"title": scenario.title, **_row(measured), "cpu_ms": cpu}
    if not scenario.cyclic and measured.taken + (warm.taken if warm else 0) >= len(calls):
        row["ran_out"] = True  # measured over less time than asked: the plan was used up
    tagged = [*(warm.tagged if warm else []), *measured.tagged]
    log(
        f"{scenario.name}: {measured.rate:,.0f} req/s, p99 {measured.p99_ms:.1f} ms, "
        f"errors {measured.errors or 0}, wrong {measured.wrong}"
    )
    plan.unlink()
    return row, tagged


async def _query_counts(
    database_url: str, seeded: Seeded, scenarios: list[Scenario]
) -> dict[str, float]:
    """One fresh request of each scenario (new earners, an unused code) in-process."""
    from bench import scenarios as build

    fresh = {
        "health": build.health(seeded, 1)[0],
        "badge_list": build.badge_list(seeded, 1)[0],
        "one_badge": build.one_badge(seeded, 1)[0],
        "public_assertion": build.public_assertion(seeded, 1)[0],
        "earner_instances": build.earner_instances(seeded, 1)[0],
        "award": build.award(seeded, 1, prefix="counted-award")[0],
        "claim": build.claim_calls(seeded.claim_codes[-1:])[0],
        "application": build.application(seeded, 1, prefix="counted-learner")[0],
    }
    names = {scenario.name for scenario in scenarios}
    if "mixed" in names:
        names |= set(MIXED_SHARES)
    counts: dict[str, float] = dict(
        await count_queries(
            database_url, SECRET, {name: call for name, call in fresh.items() if name in names}
        )
    )
    if "mixed" in names:
        counts["mixed"] = sum(counts[name] * share for name, share in MIXED_SHARES.items())
    return counts


MACHINE: dict[str, Any] = {}
# Which share of the mixed scenario's requests each kind is (see scenarios.MIXED_PATTERN).
MIXED_SHARES = {
    "badge_list": 0.1,
    "one_badge": 0.2,
    "public_assertion": 0.3,
    "earner_instances": 0.2,
    "award": 0.1,
    "application": 0.1,
}


def describe_machine() -> None:
    meminfo = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    wrk_version = subprocess.run([ensure_wrk(), "-v"], capture_output=True, text=True)
    MACHINE.update(
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        cores=os.cpu_count(),
        cpu=cpu,
        memory_gib=round(int(meminfo[1]) / 1024 / 1024, 1),
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        wrk=(wrk_version.stdout or wrk_version.stderr).split("[")[0].strip(),
        load_before=" ".join(f"{value:.2f}" for value in os.getloadavg()),
    )


async def main(argv: list[str] | None = None) -> dict[str, Any]:
    options = parse_args(argv)
    unknown = set(options.scenarios.split(",")) - set(SCENARIO_NAMES)
    if unknown:
        raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if options.server == "granian" and importlib.util.find_spec("granian") is None:
        raise SystemExit("--server granian needs Granian: pip install -e '.[granian]'")
    describe_machine()
    results: dict[str, Any] = {"machine": MACHINE, "options": {}, "databases": {}}
    results["options"] = {
        name: getattr(options, name)
        for name in (
            *("duration", "warmup", "connections", "threads"),
            *("server", "workers", "baseline_workers"),
        )
    }
    with tempfile.TemporaryDirectory(prefix="badgekit-bench-") as work_dir:
        work = Path(work_dir)
        for database in options.databases.split(","):
            if database == "sqlite":
                url = f"sqlite+aiosqlite:///{work}/bench.db"
            elif database == "postgres":
                url = await fresh_postgres(options.postgres_url)
            else:
                raise SystemExit(f"unknown database {database!r}: use sqlite or postgres")
            log(f"{database}: {url}")
            results["databases"][database] = await run_database(database, url, options, work)
    MACHINE["load_after"] = " ".join(f"{value:.2f}" for value in os.getloadavg())
    write_results(results, options)
    return results


def write_results(results: dict[str, Any], options: argparse.Namespace) -> None:
    options.out.mkdir(parents=True, exist_ok=True)
    text = "## Machine and run\n\n" + report.machine_markdown(
        results["machine"], results["options"]
    )
    for database, result in results["databases"].items():
        text += "\n" + report.markdown(database, result)
    (options.out / "latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (options.out / "latest.md").write_text(text)
    print(text)  # noqa: T201
    log(f"results written to {options.out}/latest.json and latest.md")


if __name__ == "__main__":
    asyncio.run(main())
