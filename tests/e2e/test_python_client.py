"""End to end: the real `badgekit-api-client` from PyPI against a real server process."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.pyclient import client_python
from tests.support import TEST_SECRET

DRIVER = Path(__file__).with_name("pyclient_driver.py")


@pytest.fixture(scope="module")
def results(live_server: str) -> dict[str, Any]:
    """What each step of the driver got back from the client, run once for this module."""
    done = subprocess.run(
        [str(client_python()), str(DRIVER), live_server, TEST_SECRET],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results: dict[str, Any] = json.loads(done.stdout)
    return results


def returned(results: dict[str, Any], step: str) -> Any:
    assert "returned" in results[step], results[step]
    return results[step]["returned"]


@pytest.mark.e2e
def test_the_python_client_creates_lists_and_gets_containers(results: dict[str, Any]) -> None:
    assert returned(results, "ping") is True
    assert re.fullmatch(r"\d+\.\d+\.\d+", returned(results, "server_version"))
    assert returned(results, "require_older_version") is None
    assert results["require_newer_version"]["raised"] == "ValueError"

    created_system = returned(results, "create_system")
    system = created_system["system"]
    assert created_system == {
        "status": "created",
        "system": {
            "id": system["id"],
            "slug": "chicago",
            "url": "https://chicago.example.org",
            "name": "City of Chicago",
            "description": "Badges of the city.",
            "email": "admin@chicago.example.org",
            "imageUrl": None,
            "issuers": [],
        },
    }

    issuer = returned(results, "create_issuer")["issuer"]
    assert issuer == {
        "id": issuer["id"],
        "slug": "library",
        "url": "https://library.example.org",
        "name": "Bibliothèque ✓",
        "description": None,
        "email": None,
        "imageUrl": None,
        "programs": [],
    }
    program = returned(results, "create_program")["program"]
    assert program == {
        "id": program["id"],
        "slug": "readers",
        "url": "https://readers.example.org",
        "name": "Readers",
        "description": None,
        "email": None,
        "imageUrl": None,
    }
    # Listed and fetched after the program was created, so they show it.
    assert returned(results, "list_programs") == {"programs": [program]}
    assert returned(results, "get_program") == {"program": program}
    issuer_then = {**issuer, "programs": []}
    assert returned(results, "list_issuers") == {"issuers": [issuer_then]}
    assert returned(results, "get_issuer") == {"issuer": issuer_then}
    assert returned(results, "list_systems") == {"systems": [system]}
    assert returned(results, "get_system") == {"system": system}


@pytest.mark.e2e
def test_the_python_client_understands_our_errors(results: dict[str, Any]) -> None:
    not_found = results["get_unknown_system"]
    assert not_found["raised"] == "ResourceNotFound"
    assert not_found["info"]["message"] == "Could not find system field: `slug`, value: `nowhere`"

    conflict = results["create_duplicate_system"]
    assert conflict["raised"] == "ResourceConflict"
    assert conflict["info"]["details"]["slug"] == "chicago"

    invalid = results["create_invalid_issuer"]
    assert invalid["raised"] == "ValidationError"
    assert {detail["field"] for detail in invalid["info"]["details"]} == {"name", "url"}

    # 403 is not one of the codes the client maps; it still gets a BadgeKit error body.
    assert results["wrong_secret"]["raised"] == "APIError"
