"""Yes / no / either query parameters, read the way the original read `archived`."""

from __future__ import annotations

from badgekit_api.errors import InvalidParameter

# `1` / `0` are what form-minded clients send; an empty value (`?archived=`) meant "any".
_FLAG_VALUES: dict[str, bool | None] = {
    "true": True,
    "1": True,
    "false": False,
    "0": False,
    "any": None,
    "": None,
}


def either_flag(parameter: str, value: str) -> bool | None:
    """`value` of the query parameter `parameter` as True, False or None for "either"; any
    other value is a 400 InvalidParameter."""
    key = value.strip().lower()
    if key not in _FLAG_VALUES:
        raise InvalidParameter(
            parameter, f"Invalid `{parameter}` parameter: use `true`, `false` or `any`"
        )
    return _FLAG_VALUES[key]


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


# The values `either_flag` takes, as a JSON Schema pattern (for the OpenAPI document).
FLAG_PATTERN = r"^\s*(" + "|".join(_any_case(word) for word in _FLAG_VALUES if word) + r")?\s*$"
