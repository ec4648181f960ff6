"""Measure one large `text/csv` bulk award: the serving worker's peak RSS and CPU.

    .venv/bin/python -m bench.csv_award [DATABASE_URL] [--rows 50000] [--all-or-nothing]

One `badgekit-api serve` worker on a freshly migrated database (default: a new SQLite
file; a PostgreSQL or MariaDB URL is emptied first) gets a system, a badge and a webhook
(so that every award also writes its event), then the file, signed with the master key,
as `badgekit-api award` sends it. Printed: the worker's resident memory before the
request, its peak (`VmHWM`) after it, and the CPU it spent on the request. Wall time is
printed too, but on a shared machine only CPU and memory are comparable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from badgekit_api.cli.award import bulk_path
from badgekit_api.cli.signed import authorization
from bench.__main__ import SECRET, server_env
from bench.servers import badgekit_server, migrate

ROWS = 50_000
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def csv_body(rows: int) -> bytes:
    """`rows` distinct earners, each row with every optional column the award reads."""
    lines = ["email,issuedOn,comment,evidenceUrl"]
    lines += [
        f"earner-{n}@example.org,2026-11-{n % 28 + 1:02d},Row {n} of the import,"
        f"https://evidence.example.org/{n}"
        for n in range(1, rows + 1)
    ]
    return ("\n".join(lines) + "\n").encode()


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def cpu_seconds(pid: int) -> float:
    # Fields after the command name: utime and stime are the 12th and 13th of them.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def send(client: httpx.Client, method: str, path: str, body: Any = None) -> httpx.Response:
    raw = None if body is None else orjson.dumps(body)
    signed = authorization(method, path, raw, key="master", secret=SECRET, ttl=600)
    headers = {"Authorization": signed}
    if raw is not None:
        headers["Content-Type"] = "application/json"
    answer = client.request(method, path, content=raw, headers=headers)
    answer.raise_for_status()
    return answer


def prepare(client: httpx.Client) -> None:
    send(
        client, "POST", "/systems", {"slug": "csv", "name": "CSV", "url": "https://csv.example.org"}
    )
    badge = {
        "slug": "imported",
        "name": "Imported",
        "earnerDescription": "e",
        "consumerDescription": "c",
        "criteriaUrl": "https://csv.example.org/criteria",
        "unique": False,
        "imageUrl": "https://csv.example.org/badge.png",
        "type": "skill",
    }
    send(client, "POST", "/systems/csv/badges", badge)
    hook = {"url": "https://hooks.csv.example.org/badgekit"}
    send(client, "POST", "/systems/csv/webhooks", hook)


async def empty(database_url: str) -> None:
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with engine.begin() as connection:
        metadata = MetaData()
        await connection.run_sync(metadata.reflect)
        await connection.run_sync(metadata.drop_all)
    await engine.dispose()


def measure(database_url: str, rows: int, work: Path, *, all_or_nothing: bool = False) -> str:
    """Serve `database_url` (migrated), award a file of `rows` rows, say what it cost."""
    env = server_env() | {"MAX_BODY_BYTES": str(64 * 1024 * 1024)}
    migrate(database_url, env)
    body = csv_body(rows)
    path = bulk_path("csv", None, None, "imported")
    if all_or_nothing:
        path += "?mode=all-or-nothing"
    with badgekit_server(database_url, env, workers=1, log_path=work / "server.log") as server:
        with httpx.Client(base_url=server.url, timeout=600) as client:
            prepare(client)
            rss_before, peak_before = status_kb(server.pid, "VmRSS"), status_kb(server.pid, "VmHWM")
            cpu_before = cpu_seconds(server.pid)
            signed = authorization("POST", path, body, key="master", secret=SECRET, ttl=600)
            started = time.monotonic()
            answer = client.post(
                path, content=body, headers={"Content-Type": "text/csv", "Authorization": signed}
            )
            wall = time.monotonic() - started
            answer.raise_for_status()
            peak, cpu = status_kb(server.pid, "VmHWM"), cpu_seconds(server.pid) - cpu_before
    return (
        f"{rows} rows ({len(body) / 1e6:.1f} MB in, {len(answer.content) / 1e6:.1f} MB out), "
        f"counts {answer.json()['counts']}\n"
        f"worker RSS before {_mb(rss_before)} MB (peak so far {_mb(peak_before)} MB), "
        f"peak after {_mb(peak)} MB; CPU {cpu:.1f} s; wall {wall:.1f} s"
    )


def _mb(kib: int) -> str:
    return f"{kib * 1024 / 1e6:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("database_url", nargs="?", help="default: a new SQLite file")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--all-or-nothing", action="store_true", help="the file's mode")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database_url = options.database_url or f"sqlite+aiosqlite:///{folder}/csv.db"
        if options.database_url:
            asyncio.run(empty(database_url))
        answer = measure(
            database_url, options.rows, Path(folder), all_or_nothing=options.all_or_nothing
        )
        print(answer)  # noqa: T201


if __name__ == "__main__":
    main()
