"""CORS for the public documents: any web page may read what is under `/public/`.

Badge classes, assertions, issuers, revocation lists and images are meant to be fetched by
anyone (a verifier running in a browser, an earner's site showing a badge), with no token
and no cookies, so every answer there, errors included, carries
`Access-Control-Allow-Origin: *`. A preflight (`OPTIONS` with
`Access-Control-Request-Method`, answered by the router with `Allow`) also gets the
methods of the path and the request headers it asked for. The signed API sends no CORS
headers: a browser page has no business holding a BadgeKit secret.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_PUBLIC_PREFIX = "/public/"
# How long a browser may keep a preflight's answer: the public routes never change methods.
PREFLIGHT_MAX_AGE_SECONDS = 86_400


def _is_public(scope: Scope) -> bool:
    """Whether the path is below `/public/` (and not `/public` itself). A prefix test: every
    request passes here, and cutting the path into segments is not needed for the answer."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path.startswith(_PUBLIC_PREFIX)


class PublicCorsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_public(scope):
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        preflight = (
            scope["method"] == "OPTIONS" and "access-control-request-method" in request_headers
        )

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Access-Control-Allow-Origin"] = "*"
                if preflight and "allow" in headers:
                    headers["Access-Control-Allow-Methods"] = headers["allow"]
                    asked = request_headers.get("access-control-request-headers")
                    if asked:
                        headers["Access-Control-Allow-Headers"] = asked
                    headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
            await send(message)

        await self.app(scope, receive, send_with_cors)
