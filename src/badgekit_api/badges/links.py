"""Where a badge lives: its API path and its public badge-class URL."""

from __future__ import annotations

from urllib.parse import quote

from badgekit_api.http.urls import PublicUrls
from badgekit_api.models import Badge


def container_path(system_slug: str, issuer_slug: str | None, program_slug: str | None) -> str:
    """`/systems/:s[/issuers/:i[/programs/:p]]`, down to the deepest container given."""
    path = f"/systems/{quote(system_slug, safe='')}"
    if issuer_slug is not None:
        path += f"/issuers/{quote(issuer_slug, safe='')}"
        if program_slug is not None:
            path += f"/programs/{quote(program_slug, safe='')}"
    return path


def badge_path(badge: Badge) -> str:
    """The badge's API path at its own level (system, issuer and program loaded)."""
    issuer = badge.issuer.slug if badge.issuer else None
    program = badge.program.slug if badge.program else None
    return badge_path_of(badge.system.slug, issuer, program, badge.slug)


def badge_path_of(
    system_slug: str, issuer_slug: str | None, program_slug: str | None, badge_slug: str
) -> str:
    """`badge_path` from the slugs alone."""
    return f"{container_path(system_slug, issuer_slug, program_slug)}/badges/{quote(badge_slug)}"


def badge_class_url(badge: Badge, urls: PublicUrls) -> str:
    """The absolute URL of the badge's public badge-class document."""
    return urls.absolute(f"/public{badge_path(badge)}")
