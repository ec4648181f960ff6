"""The BadgeKit JWT as an OpenAPI security scheme."""

from __future__ import annotations

from typing import Any

SCHEME = "BadgeKitJWT"

SECURITY_SCHEMES: dict[str, Any] = {
    SCHEME: {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": (
            '`Authorization: JWT token="<jwt>"`, one token per request: HS256 with the secret '
            "of its `key` claim (`master`, or a system's consumer key), and the claims "
            "`method` (the request method), `path` (the path with its query string, exactly "
            "as sent) and, on POST and PUT or with any body, `body`: "
            '`{"alg": "sha256", "hash": "<hex sha256 of the exact body bytes>"}`. '
            "An `exp` claim is honoured when present."
        ),
    }
}
REQUIREMENT: list[dict[str, list[str]]] = [{SCHEME: []}]
