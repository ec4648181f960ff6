"""Where an award is published: its assertion URL."""

from __future__ import annotations

from urllib.parse import quote

from badgekit_api.http.urls import PublicUrls


def assertion_path(slug: str) -> str:
    return f"/public/assertions/{quote(slug, safe='')}"


def assertion_url(slug: str, urls: PublicUrls) -> str:
    """The absolute URL of the award's public assertion."""
    return urls.absolute(assertion_path(slug))
