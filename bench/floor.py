"""`python -m bench.floor`: what one hot read costs each layer under the server, measured
alone, so that the load benchmark's rates can be compared with what the parts allow.

The server is started and seeded as `python -m bench` does, then each hot read's own
statement (bench/scale.py `hot_statements`) runs ROUNDS times, one at a time, in a
transaction like a request's:

- **database**: the PostgreSQL backend's CPU per statement (its /proc entry), with the
  statement prepared once as the server's driver keeps it;
- **driver**: this process's CPU per statement through asyncpg alone;
- **SQLAlchemy**: this process's CPU per statement through an AsyncConnection, as the
  server executes it (compiled-cache lookup, parameter processing, result rows).

The server's whole CPU per request under load is in the benchmark's own table (bench/
cpu_share.py); what is left after these is the HTTP server, the framework and the
handler.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import create_async_engine

from bench import __main__ as bench
from bench.cpu_share import TICKS
from bench.scale import _dsn, _inlined, hot_statements
from bench.servers import ROOT, badgekit_server, migrate

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bk_bench_floor"


def _backend_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def _timed(rounds: int, once: Callable[[], Awaitable[Any]]) -> float:
    """This process's CPU milliseconds per call of `once`."""
    for _ in range(min(rounds, 50)):
        await once()  # warm: prepared statements, caches, generic plans
    started = time.process_time()
    for _ in range(rounds):
        await once()
    return (time.process_time() - started) * 1000 / rounds


async def _raw(dsn: str, sql: str, rounds: int) -> tuple[float, float]:
    """(database ms, driver ms) per execution of `sql` through asyncpg alone."""
    connection = await asyncpg.connect(dsn)
    try:
        pid = await connection.fetchval("SELECT pg_backend_pid()")
        prepared = await connection.prepare(sql)

        async def once() -> None:
            async with connection.transaction():
                await prepared.fetch()

        backend_before = _backend_seconds(pid)
        driver = await _timed(rounds, once)
        # The backend's time covers the warm-up too: one more round count's worth.
        spent = _backend_seconds(pid) - backend_before
        database = spent * 1000 / (rounds + min(rounds, 50))
    finally:
        await connection.close()
    return database, driver


async def _through_sqlalchemy(
    url: str, statement: Any, params: dict[str, Any], rounds: int
) -> float:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:

            async def once() -> None:
                async with connection.begin():
                    (await connection.execute(statement, params)).all()

            return await _timed(rounds, once)
    finally:
        await engine.dispose()


async def measure(url: str, rounds: int) -> dict[str, dict[str, float]]:
    env = bench.server_env()
    migrate(url, env)
    with badgekit_server(
        url, env, workers=1, log_path=Path("/tmp/bench-floor-server.log")
    ) as server:
        seeded = await bench._seed_through_api(bench.parse_args([]))(server.url)
    results: dict[str, dict[str, float]] = {}
    for name, (statement, params) in hot_statements(seeded).items():
        database, driver = await _raw(_dsn(url), _inlined(statement, params), rounds)
        orm = await _through_sqlalchemy(url, statement, params, rounds)
        results[name] = {
            "database_ms": round(database, 4),
            "driver_ms": round(driver, 4),
            "sqlalchemy_ms": round(orm, 4),
        }
        bench.log(f"floor: {name}: {results[name]}")
    return results


def markdown(results: dict[str, dict[str, float]]) -> str:
    lines = [
        "| statement | database CPU ms | asyncpg alone ms | through SQLAlchemy ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, row in results.items():
        cells = (f"{row[key]:.3f}" for key in ("database_ms", "driver_ms", "sqlalchemy_ms"))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--postgres-url", default=DEFAULT_URL, help="(re)created fresh")
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    options = parser.parse_args(argv)
    url = await bench.fresh_postgres(options.postgres_url)
    results = await measure(url, options.rounds)
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "floor.json").write_text(json.dumps(results, indent=2) + "\n")
    text = markdown(results)
    (options.out / "floor.md").write_text(text)
    print(text)  # noqa: T201


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
