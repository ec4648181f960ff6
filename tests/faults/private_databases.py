"""Database servers of a test's own, in a temporary directory on a free loopback port, that
it may stop and start at will (the machine's shared servers are never touched).

PostgreSQL refuses to run as root: as root, its tools run as the `postgres` user.
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

import pytest

from badgekit_api.config import Settings
from badgekit_api.db.database import create_engine
from badgekit_api.migrations.runner import upgrade
from tests.live_server import free_port

DATABASE = "badgekit"
START_SECONDS = 30.0


class PrivateDatabase(Protocol):
    url: str

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def create_database(self) -> None: ...

    def destroy(self) -> None: ...


class PrivatePostgres:
    def __init__(self) -> None:
        bin_dir = _postgres_bin_dir()
        self._tool = lambda name: str(Path(bin_dir) / name)
        self._user = _postgres_user()
        self.root = tempfile.mkdtemp(prefix="badgekit-faults-pg-")
        if self._user:
            shutil.chown(self.root, self._user)
        self.data = f"{self.root}/data"
        self.port = free_port()
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{DATABASE}"
        self._run(
            self._tool("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync"
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.root} -c fsync=off -c max_connections=100"
        )
        self._ctl("start", "-o", options, "-l", f"{self.root}/server.log")

    def stop(self) -> None:
        """A fast shutdown: sessions are ended, the port is closed."""
        self._ctl("stop", "-m", "fast")

    def create_database(self) -> None:
        self._run(
            self._tool("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-qc",
            f"CREATE DATABASE {DATABASE}",
        )

    def destroy(self) -> None:
        if Path(f"{self.data}/postmaster.pid").exists():
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _ctl(self, action: str, *options: str) -> None:
        self._run(self._tool("pg_ctl"), action, "-D", self.data, "-w", "-t", "30", *options)

    def _run(self, *command: str) -> None:
        if self._user:
            command = ("runuser", "-u", self._user, "--", *command)
        subprocess.run(command, check=True, capture_output=True, timeout=60)


class PrivateMariaDB:
    def __init__(self) -> None:
        self.root = tempfile.mkdtemp(prefix="badgekit-faults-mariadb-")
        self.data = f"{self.root}/data"
        self.port = free_port()
        self.url = f"mysql+asyncmy://root@127.0.0.1:{self.port}/{DATABASE}?charset=utf8mb4"
        self._user = pwd.getpwuid(os.getuid()).pw_name
        self._process: subprocess.Popen[bytes] | None = None
        subprocess.run(
            [
                _require("mariadb-install-db"),
                "--no-defaults",
                f"--datadir={self.data}",
                f"--user={self._user}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        log = open(f"{self.root}/server.log", "ab")  # noqa: SIM115 - the server holds it
        self._process = subprocess.Popen(
            [
                _require("mariadbd"),
                "--no-defaults",
                f"--datadir={self.data}",
                f"--user={self._user}",
                "--bind-address=127.0.0.1",
                f"--port={self.port}",
                f"--socket={self.root}/mysqld.sock",
                f"--pid-file={self.root}/mysqld.pid",
                "--skip-log-bin",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=64M",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + START_SECONDS
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(Path(f"{self.root}/server.log").read_text(errors="replace"))
            time.sleep(0.1)

    def stop(self) -> None:
        """A normal shutdown (SIGTERM): connections are closed, the port too."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=60)

    def create_database(self) -> None:
        self._client(f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4")

    def destroy(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def _answers(self) -> bool:
        try:
            self._client("SELECT 1")
        except subprocess.CalledProcessError:
            return False
        return True

    def _client(self, sql: str) -> None:
        subprocess.run(
            [_require("mariadb"), "-uroot", "-h127.0.0.1", f"-P{self.port}", "-e", sql],
            check=True,
            capture_output=True,
            timeout=30,
        )


BACKENDS: dict[str, type[PrivatePostgres] | type[PrivateMariaDB]] = {
    "postgresql": PrivatePostgres,
    "mariadb": PrivateMariaDB,
}


@asynccontextmanager
async def private_database(backend: str) -> AsyncIterator[PrivateDatabase]:
    """A started, migrated database server of the given kind; gone after the block."""
    try:
        server = await asyncio.to_thread(BACKENDS[backend])
    except FileNotFoundError as exc:
        pytest.skip(f"cannot run a private {backend} server here: {exc}")
    try:
        await asyncio.to_thread(server.start)
        await asyncio.to_thread(server.create_database)
        engine = create_engine(Settings(database_url=server.url))
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        yield server
    finally:
        await asyncio.to_thread(server.destroy)


def _postgres_bin_dir() -> str:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[-2])
    )
    if candidates:
        return candidates[-1]
    return str(Path(_require("initdb")).parent)


def _postgres_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        raise FileNotFoundError("no `postgres` user to run PostgreSQL as (not as root)") from None


def _require(tool: str) -> str:
    path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/usr/local/sbin")
    if path is None:
        raise FileNotFoundError(f"`{tool}` is not installed")
    return path
