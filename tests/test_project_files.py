"""What a fresh clone's tooling sees: files git must not take, a pyproject that builds quietly."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_local_secrets_are_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored
    assert ".badgekit-dev-secret" in ignored  # where `serve --dev` keeps its secret


def test_the_license_is_an_spdx_string() -> None:
    # The TOML table form ({text = ...}) makes setuptools print a deprecation warning on
    # every install; the string form needs setuptools 77.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MPL-2.0"
    assert "setuptools>=77" in pyproject["build-system"]["requires"]
