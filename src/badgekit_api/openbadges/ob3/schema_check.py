"""1EdTech's JSON Schema of the Open Badges 3.0 AchievementCredential (shipped in
`schema/`, see its README), checked against a credential: what the verify endpoint's
`schema` check reports and what the tests hold every credential we issue to."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("schema") / "ob_v3p0_achievementcredential_schema.json"
# Each error named once: a credential built to fail in every field must not make a long report.
MAX_ERRORS = 10


@cache
def _validator() -> Any:
    # Imported on first use, like pyld in proofs.py: only the verify endpoint needs it.
    from jsonschema import Draft201909Validator

    return Draft201909Validator(json.loads(SCHEMA_PATH.read_text()))


def schema_errors(credential: dict[str, Any]) -> list[str]:
    """Where the credential breaks the schema (path: message), empty when it holds."""
    errors = []
    for error in _validator().iter_errors(credential):
        errors.append(f"{'/'.join(map(str, error.absolute_path))}: {error.message}")
        if len(errors) == MAX_ERRORS:
            break
    return errors
