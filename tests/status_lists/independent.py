"""openbadgeslib (PyPI), an independent Open Badges 3.0 implementation, in a virtualenv of
its own under `.cache/` (its pins are not ours), judging our status lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.openbadges.ob3.independent import run_driver

DRIVER = Path(__file__).with_name("openbadgeslib_status_driver.py")


def check_status_with_openbadgeslib(
    issuer_did: str, files: dict[str, str], cases: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    request = {"issuer_did": issuer_did, "files": files, "cases": cases}
    verdicts: dict[str, dict[str, Any]] = run_driver(DRIVER, request)
    return verdicts
