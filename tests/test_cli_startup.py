"""`token` and `request` start quickly because they leave the server's stack unloaded.

Counting what a command imports is deterministic where timing it is not: FastAPI,
SQLAlchemy and pydantic-settings took well over a second of every command's start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import TEST_SECRET

# The server side: none of it is needed to sign or send a request.
SERVER_STACK = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "pydantic_settings",
    "badgekit_api.config",
    "badgekit_api.main",
)

# Runs one command in this process, then lists the top packages it had loaded.
PROBE = """
import json, sys
from badgekit_api.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(tmp_path: Path, *args: str) -> set[str]:
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    env["MASTER_SECRET"] = TEST_SECRET
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def server_stack_in(modules: set[str]) -> set[str]:
    return {name for name in SERVER_STACK if name in modules}


def test_token_loads_no_server_stack_and_no_http_client(tmp_path: Path) -> None:
    modules = loaded_by(tmp_path, "token", "GET", "/systems")
    assert server_stack_in(modules) == set()
    assert "httpx" not in modules


def test_request_loads_no_server_stack(tmp_path: Path, live_server: str) -> None:
    modules = loaded_by(tmp_path, "request", "GET", "/systems", "--url", live_server)
    assert "httpx" in modules  # it did send the request
    assert server_stack_in(modules) == set()


@pytest.mark.parametrize("command", ["systems", "migrate"])
def test_the_database_commands_still_load_it_when_they_run(tmp_path: Path, command: str) -> None:
    # The other side of the same check: the probe does see the stack when it is loaded.
    modules = loaded_by(tmp_path, command, "list" if command == "systems" else "heads")
    assert "sqlalchemy" in modules
