"""The official Open Badges validator (`openbadges` on PyPI) in a virtualenv of its own,
built once and kept under `.cache/`, driven as a subprocess by `validator_driver.py`.

openbadges 1.1.2 pins dependencies that no longer import on Python 3.11 and needs a
different openbadges-bakery than our dev tools, hence the separate interpreter; it only
imports once pycryptodome, python-jose and pytz are upgraded past its pins (constraining
them at install time makes pip fall back to openbadges 1.0.3 instead).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.side_venvs import side_venv

DRIVER = Path(__file__).with_name("validator_driver.py")
CONTEXTS = Path(__file__).with_name("contexts")
INSTALL_STEPS = [
    ["install", "openbadges==1.1.2"],
    ["install", "--upgrade", "pycryptodome", "python-jose", "pytz"],
]


def validator_python() -> Path:
    """The validator's interpreter, building its virtualenv first if needed."""
    return side_venv("openbadges-validator-venv", INSTALL_STEPS, check_import="openbadges.verifier")


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
