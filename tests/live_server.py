"""A real uvicorn server process on a free loopback port, on the test database."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.support import TEST_KEY_ENCRYPTION_KEY, TEST_SECRET

# Every test receiver is on loopback, and the suite sends many bad tokens from one client;
# tests of the address checks and of the limits set their own values.
TEST_SETTINGS: dict[str, Any] = {
    "webhook_allow_private": True,
    "auth_failures_per_minute": 100_000,
    "claim_failures_per_minute": 100_000,
}


def free_port() -> int:
    """A port nothing listens on, to bind later (a test server, a receiver that goes down
    and comes back on the same port).

    Taken below the kernel's ephemeral range: a port from inside it can be handed to an
    outgoing connection (to the database, say) before the test binds it, which then fails
    with "address already in use" (seen in CI)."""
    first_ephemeral = _first_ephemeral_port()
    for _ in range(200):
        port = random.randrange(10_000, max(first_ephemeral, 20_000))
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port below {first_ephemeral}")


def _first_ephemeral_port() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ports:
            return int(ports.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def server_env(database_url: str, extra: dict[str, str]) -> dict[str, str]:
    """The environment of a test server: the test database, key and settings, then `extra`."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MASTER_SECRET": TEST_SECRET,
        "KEY_ENCRYPTION_KEY": TEST_KEY_ENCRYPTION_KEY,
        "PUBLIC_URL": "",
        **{name.upper(): str(value).lower() for name, value in TEST_SETTINGS.items()},
        **extra,
    }


def serve_command(port: int, workers: int) -> list[str]:
    """`badgekit-api serve` on loopback at `port`, the schema being migrated already."""
    return [
        sys.executable,
        "-m",
        "badgekit_api.cli",
        "serve",
        "--no-migrate",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


@contextmanager
def running_server(
    database_url: str,
    *,
    workers: int = 1,
    extra_env: dict[str, str] | None = None,
    log_path: str | None = None,
) -> Iterator[str]:
    """Start `badgekit-api serve` (schema already migrated) and yield its base URL.

    Its output goes to `log_path` when given (kept afterwards), else to a temporary file.
    """
    port = free_port()
    env = server_env(database_url, extra_env or {})
    command = serve_command(port, workers)
    # A file, not a pipe: nobody reads a pipe while tests run, and a full one freezes the server.
    if log_path is not None:
        log = open(log_path, "wb")  # noqa: SIM115 - closed below, like the temporary file
    else:
        log = tempfile.NamedTemporaryFile(prefix="badgekit-server-", suffix=".log", delete=False)
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base_url, process, log.name)
        yield base_url
    finally:
        stop(process)
        log.close()
        if log_path is None:
            os.unlink(log.name)


# A server starts in 1-2 s; under CI's load (three suites side by side) it can take far longer.
READY_SECONDS = 90


def stop(process: subprocess.Popen[bytes], grace_seconds: float = 10) -> None:
    """Ask a child process to end, and kill it if it has not within the grace period."""
    process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log_path: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with open(log_path, encoding="utf-8", errors="replace") as output_file:
                output = output_file.read()
            raise RuntimeError(f"server exited early:\n{output}")
        try:
            if httpx.get(f"{base_url}/healthcheck", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not become ready in {READY_SECONDS} s")
