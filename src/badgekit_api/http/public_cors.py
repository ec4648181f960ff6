"""CORS for the public documents: any web page may read what is under `/public/`.

Badge classes, assertions, issuers, revocation lists and images are meant to be fetched by
anyone (a verifier running in a browser, an earner's site showing a badge), with no token
and no cookies, so every answer there, errors included, carries
`Access-Control-Allow-Origin: *`. A preflight (`OPTIONS` with
`Access-Control-Request-Method`, answered by the router with `Allow`) also gets the
methods of the path and the request headers it asked for. The signed API sends no CORS
headers: a browser page has no business holding a BadgeKit secret. `http/edge.py` adds
them as the answer starts.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import Scope

_PUBLIC_PREFIX = "/public/"
# How long a browser may keep a preflight's answer: the public routes never change methods.
PREFLIGHT_MAX_AGE_SECONDS = 86_400
ANY_ORIGIN = (b"access-control-allow-origin", b"*")
# The headers this module sets: they replace any of the same name the app sent.
CORS_HEADER_NAMES = frozenset(
    {
        b"access-control-allow-origin",
        b"access-control-allow-methods",
        b"access-control-allow-headers",
        b"access-control-max-age",
    }
)
_MAX_AGE = (b"access-control-max-age", str(PREFLIGHT_MAX_AGE_SECONDS).encode("ascii"))


def is_public(scope: Scope) -> bool:
    """Whether the path is below `/public/` (and not `/public` itself). A prefix test: every
    request passes here, and cutting the path into segments is not needed for the answer."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path.startswith(_PUBLIC_PREFIX)


def preflight_headers(
    response_headers: Iterable[tuple[bytes, bytes]], asked_headers: bytes | None
) -> list[tuple[bytes, bytes]]:
    """What a preflight's answer adds to `Access-Control-Allow-Origin`: the path's methods
    (from the router's `Allow`) and the request headers asked for; nothing without `Allow`."""
    for name, value in response_headers:
        if name == b"allow":
            added = [(b"access-control-allow-methods", value)]
            if asked_headers:
                added.append((b"access-control-allow-headers", asked_headers))
            added.append(_MAX_AGE)
            return added
    return []
