"""Measure `badgekit-api import-original` on a generated original database: 100,000 badge
instances (plus their systems, badges and claim codes), wall time and peak RSS.

    .venv/bin/python -m bench.import_original [TARGET_DATABASE_URL]

The source is built in the local MariaDB as `h3_legacy_big` (LEGACY_BENCH_URL to choose
another); the target (default: a fresh SQLite file) is emptied and migrated first.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from tests.importing.conftest import build_legacy_database
from tests.importing.legacy_rows import png_bytes

from badgekit_api.config import Settings
from badgekit_api.db.database import create_engine
from badgekit_api.migrations.runner import upgrade

SOURCE = os.environ.get(
    "LEGACY_BENCH_URL", "mysql+asyncmy://root@127.0.0.1:3306/h3_legacy_big?charset=utf8mb4"
)
INSTANCES = 100_000
BADGES = 50
START = datetime(2014, 1, 1, 8, 0, 0)


def generated_rows() -> dict[str, list[dict[str, Any]]]:
    images = [
        {
            "id": i,
            "slug": f"img-{i}",
            "url": None,
            "mimetype": "image/png",
            "data": png_bytes(i % 256, 0, 0),
        }
        for i in range(1, BADGES + 1)
    ]
    systems = [
        {"id": 1, "slug": "bench", "name": "Bench", "url": "https://bench.example.org",
         "description": None, "email": None, "imageId": None}
    ]  # fmt: skip
    badges = [
        {"id": b, "slug": f"badge-{b}", "name": f"Badge {b}", "strapline": None,
         "earnerDescription": "e", "consumerDescription": "c", "issuerUrl": None,
         "rubricUrl": None, "criteriaUrl": "https://bench.example.org/c", "timeValue": None,
         "timeUnits": None, "limit": None, "unique": 0, "archived": 0, "created": START,
         "imageId": b, "programId": None, "issuerId": None, "systemId": 1, "type": "skill",
         "evidenceType": None}
        for b in range(1, BADGES + 1)
    ]  # fmt: skip
    instances = [
        {"id": i, "slug": f"{i:032x}", "email": f"earner{i}@example.org",
         "issuedOn": START + timedelta(minutes=i), "expires": None, "claimCode": None,
         "badgeId": i % BADGES + 1}
        for i in range(1, INSTANCES + 1)
    ]  # fmt: skip
    return {"images": images, "systems": systems, "badges": badges, "badgeInstances": instances}


async def prepare_target(url: str) -> None:
    engine = create_engine(Settings(database_url=url))

    def drop(connection: Any) -> None:
        existing = MetaData()
        existing.reflect(bind=connection)
        existing.drop_all(bind=connection)

    async with engine.begin() as connection:
        await connection.run_sync(drop)
    await upgrade(engine)
    await engine.dispose()


async def build_source() -> None:
    await build_legacy_database(SOURCE, generated_rows())
    engine = create_async_engine(SOURCE, poolclass=NullPool)
    async with engine.connect() as connection:
        count = (await connection.exec_driver_sql("SELECT COUNT(*) FROM badgeInstances")).scalar()
    await engine.dispose()
    assert count == INSTANCES, count


def _import(target: str) -> tuple[int, str, str, float, float, int]:
    """Run the command: its status, output, wall time, CPU time (the machine may be busy
    with other work: this is the importer's own share) and peak RSS (KiB), by wait4."""
    environment = {**os.environ, "DATABASE_URL": target, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "badgekit_api", "import-original", SOURCE]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=environment, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return process.returncode, out.read(), err.read(), seconds, cpu, usage.ru_maxrss


def main() -> None:
    if sys.argv[1:] == ["--build-source"]:
        asyncio.run(build_source())
        return
    with tempfile.TemporaryDirectory() as folder:
        target = sys.argv[1] if len(sys.argv) > 1 else f"sqlite+aiosqlite:///{folder}/bench.db"
        # In a process of its own: the generated rows must not count in the import's RSS
        # (a forked child starts with its parent's pages).
        subprocess.run(
            [sys.executable, "-m", "bench.import_original", "--build-source"], check=True
        )
        asyncio.run(prepare_target(target))
        status, stdout, stderr, seconds, cpu, peak_kib = _import(target)
        sys.stdout.write(stderr[-1500:] + stdout[-3000:])
        if status != 0:
            raise SystemExit(status)
        sys.stdout.write(f"target: {target.split('@')[-1]}\n")
        sys.stdout.write(
            f"{INSTANCES:,} instances: {seconds:.1f} s wall, {cpu:.1f} s CPU, "
            f"peak RSS {peak_kib / 1024:.0f} MB, load average {os.getloadavg()[0]:.1f}\n"
        )


if __name__ == "__main__":
    main()
