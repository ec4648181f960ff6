"""Create applications and reviews through the API, for badges made with `create_badge`."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories.badges import LEVEL_PREFIXES

CRITERIA = [
    {"description": "Writes a script", "required": True},
    {"description": "Explains what it does", "required": True},
    {"description": "Adds tests", "required": False},
]


def applications_path(badge_slug: str, level: str = "system") -> str:
    return f"{LEVEL_PREFIXES[level]}/badges/{badge_slug}/applications"


def application_path(badge_slug: str, application_slug: str, level: str = "system") -> str:
    return f"{applications_path(badge_slug, level)}/{application_slug}"


def reviews_path(badge_slug: str, application_slug: str, level: str = "system") -> str:
    return f"{application_path(badge_slug, application_slug, level)}/reviews"


async def create_application(
    client: httpx.AsyncClient, badge_slug: str, level: str = "system", **fields: Any
) -> dict[str, Any]:
    """Submit an application (learner `earner@example.org` unless given) and return it."""
    body = {"learner": "earner@example.org", **fields}
    response = await client.post(applications_path(badge_slug, level), json=body)
    assert response.status_code == 201, response.text
    return response.json()["application"]  # type: ignore[no-any-return]


async def create_review(
    client: httpx.AsyncClient,
    badge_slug: str,
    application_slug: str,
    level: str = "system",
    **fields: Any,
) -> dict[str, Any]:
    """Submit a review (author `reviewer@example.org` unless given) and return it."""
    body = {"author": "reviewer@example.org", **fields}
    response = await client.post(reviews_path(badge_slug, application_slug, level), json=body)
    assert response.status_code == 201, response.text
    return response.json()["review"]  # type: ignore[no-any-return]
