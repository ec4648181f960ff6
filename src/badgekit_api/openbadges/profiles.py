"""Issuer profiles and revocation lists of a container (system, issuer or program).

A container's profile takes each field from the program, else the issuer, else the system,
as the original did. A badge is issued by the profile of its own container, so a profile's
revocation list holds the revoked assertions of the badges at exactly that level.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_url
from badgekit_api.models import BadgeInstance
from badgekit_api.openbadges.formats import CONTEXT_V2
from badgekit_api.openbadges.links import profile_url, revocation_list_url, v2
from badgekit_api.scopes import Scope
from badgekit_api.scopes.containers import Container

FIELDS = ("name", "url", "description", "email")


def _containers(scope: Scope) -> list[Container]:
    """The scope's containers, deepest first."""
    return [container for container in (scope.program, scope.issuer, scope.system) if container]


def _first(scope: Scope, field: str) -> Any:
    return next((value for value in (getattr(c, field) for c in _containers(scope)) if value), None)


def organization(scope: Scope) -> dict[str, Any]:
    """Name, url, description, email and image, each from the deepest container with one."""
    document = {field: _first(scope, field) for field in FIELDS}
    document["image"] = _first(scope, "image_url")
    return {key: value for key, value in document.items() if value is not None}


def profile_v1(scope: Scope) -> dict[str, Any]:
    """The original's issuer organization: `{name, url, description, email}` (and image)."""
    return organization(scope)


def profile_v2(scope: Scope, urls: PublicUrls) -> dict[str, Any]:
    return {
        "@context": CONTEXT_V2,
        "type": "Issuer",
        "id": v2(profile_url(scope.system, scope.issuer, scope.program, urls)),
        **organization(scope),
        "revocationList": revocation_list_url(scope.system, scope.issuer, scope.program, urls),
    }


def revocation_list(
    scope: Scope, revoked: Sequence[BadgeInstance], urls: PublicUrls
) -> dict[str, Any]:
    entries = []
    for instance in revoked:
        entry = {"id": v2(assertion_url(instance.slug, urls))}
        if instance.revocation_reason:
            entry["revocationReason"] = instance.revocation_reason
        entries.append(entry)
    return {
        "@context": CONTEXT_V2,
        "type": "RevocationList",
        "id": revocation_list_url(scope.system, scope.issuer, scope.program, urls),
        "issuer": v2(profile_url(scope.system, scope.issuer, scope.program, urls)),
        "revokedAssertions": entries,
    }
