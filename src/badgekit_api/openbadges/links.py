"""Where each public Open Badges document lives.

Open Badges 1.0 documents sit at the plain URLs the original served. Open Badges 2.0
documents are the same URLs with `?v=2`: a 2.0 document's `id` must fetch that same 2.0
document whatever `Accept` header the fetcher sends, and every 2.0 document links 2.0 ones.
"""

from __future__ import annotations

from badgekit_api.badges.links import container_path
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_path
from badgekit_api.scopes.containers import Identified

V2_QUERY = "?v=2"
V3_QUERY = "?v=3"


def v2(url: str) -> str:
    """The Open Badges 2.0 version of a document URL."""
    return f"{url}{V2_QUERY}"


def v3(url: str) -> str:
    """The Open Badges 3.0 credential at a hosted assertion URL."""
    return f"{url}{V3_QUERY}"


def baked_image_url(uid: str, extension: str, urls: PublicUrls) -> str:
    """The badge image with the assertion baked in: `extension` is `png` or `svg`."""
    return urls.absolute(f"{assertion_path(uid)}.{extension}")


def profile_path(system: Identified, issuer: Identified | None, program: Identified | None) -> str:
    """The issuer profile of a container: `/public/systems/:s[/issuers/:i[/programs/:p]]`."""
    return "/public" + container_path(
        system.slug, issuer.slug if issuer else None, program.slug if program else None
    )


def profile_url(
    system: Identified, issuer: Identified | None, program: Identified | None, urls: PublicUrls
) -> str:
    return urls.absolute(profile_path(system, issuer, program))


def revocation_list_url(
    system: Identified, issuer: Identified | None, program: Identified | None, urls: PublicUrls
) -> str:
    return urls.absolute(profile_path(system, issuer, program) + "/revocations")
