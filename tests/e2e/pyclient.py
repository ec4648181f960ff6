"""A virtualenv holding the PyPI `badgekit-api-client`, built once and kept under `.cache/`.

The client only works with `requests-jwt` 0.4, which needs PyJWT 1.x; our server uses
PyJWT 2, so the client gets an interpreter of its own and is driven as a subprocess.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache"
VENV = CACHE / "pyclient-venv"
REQUIREMENTS = ["badgekit-api-client==0.5.1", "requests-jwt==0.4", "PyJWT<2"]
if sys.version_info >= (3, 12):
    # The client imports distutils, gone from the standard library in 3.12; setuptools
    # still provides it.
    REQUIREMENTS.append("setuptools")
READY = VENV / "badgekit-ready.json"
PIP_TIMEOUT_SECONDS = 600


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _wanted() -> dict[str, object]:
    return {"requirements": REQUIREMENTS, "python": list(sys.version_info[:2])}


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


def client_python() -> Path:
    """The interpreter of the client's virtualenv, building the venv first if needed.

    A failure to build it fails the test: CI must not pass without having run the client.
    """
    CACHE.mkdir(exist_ok=True)
    with (CACHE / "pyclient-venv.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run may be building it right now
        if not _is_ready():
            shutil.rmtree(VENV, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(VENV)], "creating the client's virtualenv")
            pip = [str(_python()), "-m", "pip", "--disable-pip-version-check", "--no-input"]
            _run([*pip, "install", "--quiet", *REQUIREMENTS], "installing badgekit-api-client")
            READY.write_text(json.dumps(_wanted()))
    return _python()
