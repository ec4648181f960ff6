"""The official Open Badges validator (`openbadges` on PyPI) in a virtualenv of its own,
built once and kept under `.cache/`, driven as a subprocess by `validator_driver.py`.

openbadges 1.1.2 pins dependencies that no longer import on Python 3.11 and needs a
different openbadges-bakery than our dev tools, hence the separate interpreter; it only
imports once pycryptodome, python-jose and pytz are upgraded past its pins (constraining
them at install time makes pip fall back to openbadges 1.0.3 instead).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache"
VENV = CACHE / "openbadges-validator-venv"
READY = VENV / "badgekit-ready.json"
DRIVER = Path(__file__).with_name("validator_driver.py")
CONTEXTS = Path(__file__).with_name("contexts")
INSTALL_STEPS = [
    ["install", "openbadges==1.1.2"],
    ["install", "--upgrade", "pycryptodome", "python-jose", "pytz"],
]
PIP_TIMEOUT_SECONDS = 600


def _python() -> Path:
    return VENV / "bin" / "python"


def _wanted() -> dict[str, object]:
    return {"steps": INSTALL_STEPS, "python": list(sys.version_info[:2])}


def _is_ready() -> bool:
    try:
        return bool(json.loads(READY.read_text()) == _wanted() and _python().exists())
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


def validator_python() -> Path:
    """The validator's interpreter, building its virtualenv first if needed.

    A failure to build it fails the test: CI must not pass without having validated.
    """
    CACHE.mkdir(exist_ok=True)
    with (CACHE / "openbadges-validator-venv.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run may be building it right now
        if not _is_ready():
            shutil.rmtree(VENV, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(VENV)], "creating the validator's venv")
            pip = [str(_python()), "-m", "pip", "--disable-pip-version-check", "--no-input"]
            for step in INSTALL_STEPS:
                _run([*pip, *step, "--quiet"], f"pip {' '.join(step)}")
            _run([str(_python()), "-c", "import openbadges.verifier"], "importing openbadges")
            READY.write_text(json.dumps(_wanted()))
    return _python()


def validate(*urls: str) -> dict[str, dict[str, Any]]:
    """The validator's report (and graph) for each URL."""
    done = subprocess.run(
        [str(validator_python()), str(DRIVER), str(CONTEXTS), *urls],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    reports: dict[str, dict[str, Any]] = json.loads(done.stdout)
    return reports
