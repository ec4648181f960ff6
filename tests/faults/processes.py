"""`badgekit-api serve` processes that a fault test may kill -9 and start again.

Each server runs in a process group of its own, so that killing it (or cleaning up after
a failed test) takes its worker processes along and leaves nothing serving behind.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from tests.live_server import free_port, serve_command, server_env

START_SECONDS = 90.0
# Each test's load needs a handful of connections per process; the test database server is
# shared with the rest of the suite (and its connection limit with it).
SMALL_POOL = {"DATABASE_POOL_SIZE": "8", "DATABASE_MAX_OVERFLOW": "4"}


class ServerProcess:
    """One server (a uvicorn supervisor when `workers` > 1) on a fixed loopback port."""

    def __init__(self, database_url: str, *, workers: int = 1, env: dict[str, str]) -> None:
        self.database_url = database_url
        self.workers = workers
        self.env = env
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.mkstemp(prefix="badgekit-fault-server-", suffix=".log")[1])
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    async def start(self) -> None:
        """Start the server (again, on the same port) and wait until it answers."""
        assert self.process is None or self.process.poll() is not None, "already running"
        env = server_env(self.database_url, {**SMALL_POOL, **self.env})
        command = serve_command(self.port, self.workers)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        await self._wait_until_ready()

    def kill(self) -> None:
        """kill -9 the whole server: supervisor and workers, no chance to clean up."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    async def stop(self) -> None:
        """Stop gracefully if possible; kill whatever is left of the group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                await asyncio.to_thread(self.process.wait, 15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # orphaned workers, if any
        except ProcessLookupError:
            pass
        self.process.wait()

    def worker_pids(self) -> list[int]:
        """The pids of the serving processes: the workers, or the server itself."""
        if self.workers == 1:
            return [self.pid]
        return sorted(
            pid
            for pid, parent in _parents().items()
            if parent == self.pid and b"spawn_main" in _cmdline(pid)
        )

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def errors(self) -> str:
        """The log's lines at ERROR level (tracebacks included), else its end."""
        lines = self.log_text().splitlines()
        errors = [line for line in lines if '"level":"ERROR"' in line]
        return "\n".join(errors or lines[-50:])

    def remove_log(self) -> None:
        self.log_path.unlink(missing_ok=True)

    async def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        async with httpx.AsyncClient(timeout=1) as http:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited early:\n{self.log_text()}")
                try:
                    if (await http.get(f"{self.base_url}/healthcheck")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"server did not become ready in {START_SECONDS} s:\n{self.log_text()}")


@asynccontextmanager
async def server_process(
    database_url: str, *, workers: int = 1, env: dict[str, str] | None = None
) -> AsyncIterator[ServerProcess]:
    """A started server, stopped (and its log removed) when the block ends."""
    server = ServerProcess(database_url, workers=workers, env=env or {})
    try:
        await server.start()
        yield server
    except BaseException:
        print(f"\n--- server log (errors) ---\n{server.errors()[-20_000:]}")  # noqa: T201
        raise
    finally:
        await server.stop()
        server.remove_log()


def rss_bytes(pid: int) -> int | None:
    """Resident memory of a live process; None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # The command name (field 2) may hold spaces and parentheses: split after it.
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""
