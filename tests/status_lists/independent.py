"""openbadgeslib (PyPI), an independent Open Badges 3.0 implementation, in a virtualenv of
its own under `.cache/` (its pins are not ours), judging our status lists."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.side_venvs import side_venv

DRIVER = Path(__file__).with_name("openbadgeslib_status_driver.py")
INSTALL_STEPS = [["install", "openbadgeslib[ldp]==4.6.3"]]


def openbadgeslib_python() -> Path:
    return side_venv("openbadgeslib-venv", INSTALL_STEPS, check_import="openbadgeslib.ob3")


def check_status_with_openbadgeslib(
    issuer_did: str, files: dict[str, str], cases: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    request = {"issuer_did": issuer_did, "files": files, "cases": cases}
    done = subprocess.run(
        [str(openbadgeslib_python()), str(DRIVER)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    verdicts: dict[str, dict[str, Any]] = json.loads(done.stdout)
    return verdicts
