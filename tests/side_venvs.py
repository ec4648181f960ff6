"""Virtualenvs of their own for third-party tools whose pins clash with ours, built once
under `.cache/` and reused while their recipe is unchanged.

A failure to build one fails the test that needs it: CI must not pass without having run
the tool.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".cache"
PIP_TIMEOUT_SECONDS = 600


def side_venv(name: str, pip_steps: list[list[str]], *, check_import: str | None = None) -> Path:
    """The interpreter of `.cache/<name>`, made with `pip <step>` for each step if needed."""
    venv = CACHE / name
    python = venv / "bin" / "python"
    ready = venv / "badgekit-ready.json"
    wanted = {"steps": pip_steps, "python": list(sys.version_info[:2])}
    CACHE.mkdir(exist_ok=True)
    with (CACHE / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run may be building it right now
        if not _is_ready(ready, wanted, python):
            shutil.rmtree(venv, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(venv)], f"creating {name}")
            pip = [str(python), "-m", "pip", "--disable-pip-version-check", "--no-input"]
            for step in pip_steps:
                _run([*pip, *step, "--quiet"], f"pip {' '.join(step)}")
            if check_import:
                _run([str(python), "-c", f"import {check_import}"], f"importing {check_import}")
            ready.write_text(json.dumps(wanted))
    return python


def _is_ready(ready: Path, wanted: dict[str, object], python: Path) -> bool:
    try:
        return bool(json.loads(ready.read_text()) == wanted and python.exists())
    except (OSError, ValueError):
        return False


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{what} took longer than {PIP_TIMEOUT_SECONDS} s: {exc}")
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
