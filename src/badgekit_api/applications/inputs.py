"""Input field types of assessment requests: form-friendly lists and flags."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator


def list_of(kind: str) -> BeforeValidator:
    """A list field's validator: a form empties it with `field=`, JSON with `[]` or null."""

    def check(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return []
        if not isinstance(value, list):
            raise ValueError(f"Must be a list of {kind}")
        return value

    return BeforeValidator(check)


def _flag(value: Any) -> Any:
    # An unticked checkbox sends nothing or ""; either means "no".
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    return value


# true / false, 1 / 0, "true" / "false", "on" / "off"; blank or absent is false.
Flag = Annotated[bool, BeforeValidator(_flag)]
