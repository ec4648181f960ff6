"""The processes under load: `badgekit-api serve` and the bare baseline, on free loopback ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson

from badgekit_api.logging_config import logging_config

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# What `--server` may name: `badgekit-api serve` (uvicorn), or Granian serving the same app.
SERVERS = ("uvicorn", "granian")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def migrate(database_url: str, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "badgekit_api.cli", "migrate"]
    subprocess.run(
        command, env={**env, "DATABASE_URL": database_url}, check=True, capture_output=True
    )


@dataclass(frozen=True)
class Server:
    """A running server: its URL, and its process (which leads a process group of its own,
    its workers' too)."""

    url: str
    pid: int

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker, in MB (10^6 bytes), read from /proc."""
        sizes = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == self.pid:
                continue
            try:
                # Fields after the command name (which may hold spaces): state, ppid, pgrp.
                parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
                # The workers are the supervisor's children (uvicorn spawns them, Granian
                # forks them); multiprocessing's resource tracker is one too, and no worker.
                if parent != self.pid or b"resource_tracker" in (entry / "cmdline").read_bytes():
                    continue
                status = (entry / "status").read_text()
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile, or not ours to read
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) * 1024 / 1e6)
        return sizes


@contextmanager
def badgekit_server(
    database_url: str,
    env: dict[str, str],
    *,
    workers: int,
    log_path: Path,
    server: str = "uvicorn",
) -> Iterator[Server]:
    """`badgekit-api serve --workers N` as in production (webhook worker on), or the same
    app under Granian with as many workers."""
    port = free_port()
    if server == "granian":
        command = _granian_command(port, workers, env, log_path.with_suffix(".logging.json"))
    else:
        command = [
            *(sys.executable, "-m", "badgekit_api.cli", "serve", "--no-migrate"),
            *("--host", HOST, "--port", str(port), "--workers", str(workers)),
        ]
    with _process(command, {**env, "DATABASE_URL": database_url}, log_path) as process:
        url = _ready(f"http://{HOST}:{port}", "/healthcheck", process, log_path)
        yield Server(url, process.pid)


def _granian_command(
    port: int, workers: int, env: dict[str, str], log_config_path: Path
) -> list[str]:
    """Granian's ASGI interface on uvloop, with what `serve` gives uvicorn that Granian can
    take: the same JSON log lines (its own loggers' too), no access log, X-Forwarded-For
    believed from the proxies named (bench/granian_app.py). HTTP/1.1 only, as uvicorn."""
    config = logging_config(env.get("LOG_LEVEL", "INFO").upper())
    log_config_path.write_bytes(orjson.dumps(config))
    return [
        *(sys.executable, "-m", "granian", "bench.granian_app:create_app", "--factory"),
        *("--interface", "asgi", "--http", "1", "--loop", "uvloop", "--no-ws"),
        *("--host", HOST, "--port", str(port), "--workers", str(workers)),
        *("--no-access-log", "--log-config", str(log_config_path)),
    ]


@contextmanager
def baseline_server(*, workers: int, log_path: Path) -> Iterator[Server]:
    """The bare ASGI app (bench/baseline_app.py) on uvicorn, uvloop and httptools."""
    port = free_port()
    command = [
        *(sys.executable, "-m", "uvicorn", "bench.baseline_app:app"),
        *("--host", HOST, "--port", str(port), "--workers", str(workers)),
        *("--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"),
    ]
    with _process(command, dict(os.environ), log_path) as process:
        yield Server(_ready(f"http://{HOST}:{port}", "/", process, log_path), process.pid)


@contextmanager
def _process(
    command: list[str], env: dict[str, str], log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log_path.open("ab") as log:
        # Its own process group, so that stopping it stops its uvicorn workers too.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _ready(base_url: str, path: str, process: subprocess.Popen[bytes], log_path: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited early; see {log_path}:\n{log_path.read_text()[-3000:]}"
            )
        try:
            if httpx.get(f"{base_url}{path}", timeout=1).status_code == 200:
                return base_url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer in 60 s; see {log_path}")
