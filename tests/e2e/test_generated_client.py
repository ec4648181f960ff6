"""A client generated from `/openapi.json` by openapi-python-client: every operation is in
it, and, generated with `docs/openapi-python-client.yaml` (JSON bodies only, see there), its
calls work against a real server (a system, a badge, an award)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.side_venvs import side_venv
from tests.support import TEST_SECRET

pytestmark = pytest.mark.e2e

GENERATOR = "openapi-python-client==0.29.1"
PACKAGE = "badge_kit_api_client"
DRIVER = Path(__file__).with_name("generated_client_driver.py")
CONFIG = Path(__file__).parents[2] / "docs" / "openapi-python-client.yaml"
# What each generated operation module sends: `"method": "post", "url": "/systems/{...}"`.
REQUEST = re.compile(r'"method": "(\w+)",\s*"url": "([^"]+)"')


@pytest.fixture(scope="module")
def generator_python() -> Path:
    return side_venv("openapi-python-client-venv", [["install", GENERATOR]])


def _generate(app: FastAPI, generator_python: Path, where: Path, options: list[str]) -> Path:
    """Generate the client into `where`, which is returned."""
    document = where / "openapi.json"
    document.write_text(json.dumps(app.openapi()))
    done = subprocess.run(
        [
            str(generator_python.with_name("openapi-python-client")),
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(where / PACKAGE),
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Models it could not read are dropped with a warning, and the operations using them.
    assert "Unable to" not in done.stdout, done.stdout
    return where


@pytest.fixture(scope="module")
def generated(
    app: FastAPI, generator_python: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The directory holding the package generated with the generator's defaults."""
    return _generate(app, generator_python, tmp_path_factory.mktemp("generated"), [])


@pytest.fixture(scope="module")
def configured(
    app: FastAPI, generator_python: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The directory holding the package generated with our configuration."""
    where = tmp_path_factory.mktemp("configured")
    return _generate(app, generator_python, where, ["--config", str(CONFIG)])


def _operations(package: Path) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for module in (package / PACKAGE / "api").rglob("*.py"):
        found |= set(REQUEST.findall(module.read_text()))
    return found


def test_every_operation_of_the_document_is_generated(
    app: FastAPI, generated: Path, configured: Path
) -> None:
    paths = app.openapi()["paths"]
    documented = {(method, path) for path, item in paths.items() for method in item}
    assert ("post", "/systems/{system_slug}/badges/{badge_slug}/instances") in documented
    assert _operations(generated) == documented
    assert _operations(configured) == documented


def test_the_generated_client_creates_a_badge_and_awards_it(
    configured: Path, generator_python: Path, live_server: str
) -> None:
    done = subprocess.run(
        [str(generator_python), str(DRIVER), str(configured), live_server, TEST_SECRET],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    steps: dict[str, Any] = json.loads(done.stdout)
    assert steps["create_system"]["status"] == 201, steps["create_system"]
    assert steps["create_badge"]["status"] == 201, steps["create_badge"]
    assert steps["award"]["status"] == 201, steps["award"]
    instance = steps["get_instance"]["body"]["instance"]
    assert steps["get_instance"]["status"] == 200
    assert instance["email"] == "earner@example.org"
    assert instance["badge"]["slug"] == "reader"
