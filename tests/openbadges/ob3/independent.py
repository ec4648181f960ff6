"""`openbadgeslib` (PyPI), an independent Open Badges 3.0 implementation, in a virtualenv
of its own under `.cache/` (its pins are not ours), driven as a subprocess by
`openbadgeslib_driver.py`. No network is used: did:key resolves offline and the status
list is not fetched."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.side_venvs import side_venv

DRIVER = Path(__file__).with_name("openbadgeslib_driver.py")
INSTALL_STEPS = [["install", "openbadgeslib[ldp]==4.6.3"]]


def openbadgeslib_python() -> Path:
    return side_venv("openbadgeslib-venv", INSTALL_STEPS, check_import="openbadgeslib.ob3")


def run_driver(driver: Path, request: dict[str, Any]) -> Any:
    """Run one of the tests' openbadgeslib driver scripts in the side virtualenv: the
    request as JSON on its stdin, its verdicts as JSON from its stdout."""
    done = subprocess.run(
        [str(openbadgeslib_python()), str(driver)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def verify_with_openbadgeslib(
    public_key_pem: str, issuer_did: str, cases: dict[str, dict[str, Any]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """openbadgeslib's verdict on each case, with the pinned key and through the DID."""
    request = {"public_key_pem": public_key_pem, "issuer_did": issuer_did, "cases": cases}
    verdicts: dict[str, dict[str, dict[str, Any]]] = run_driver(DRIVER, request)
    return verdicts
