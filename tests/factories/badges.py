"""Create badges through the API, in the chicago / library / readers tree of `create_tree`."""

from __future__ import annotations

from typing import Any

import httpx

# Where each level's resources live, for tests parametrized over the three levels.
LEVEL_PREFIXES = {
    "system": "/systems/chicago",
    "issuer": "/systems/chicago/issuers/library",
    "program": "/systems/chicago/issuers/library/programs/readers",
}
LEVELS = tuple(LEVEL_PREFIXES)


def badge_body(**overrides: Any) -> dict[str, Any]:
    """The required fields of a badge, with `overrides` (None drops a field)."""
    body: dict[str, Any] = {
        "name": "Python Basics",
        "earnerDescription": "Write and run your first Python program.",
        "consumerDescription": "The holder has written and run a Python program.",
        "criteriaUrl": "https://library.example.org/badges/python/criteria",
        "unique": False,
        "type": "skill",
        "imageUrl": "https://cdn.example.org/python.png",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


async def create_badge(
    client: httpx.AsyncClient, level: str = "system", **overrides: Any
) -> dict[str, Any]:
    """Create a badge at `level` (its containers must exist) and return it as shown."""
    response = await client.post(f"{LEVEL_PREFIXES[level]}/badges", json=badge_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()["badge"]  # type: ignore[no-any-return]
