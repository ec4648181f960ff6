"""`X-Content-Type-Options: nosniff` on every response (pure ASGI, cheap).

Every answer declares its type (JSON, an Open Badges document, an image, the badge page):
a browser must not guess another one from the bytes, which would let a JSON body or an
uploaded file that looks like HTML run as a page of this origin. Set here once, so that
no route (and no error answered before the routes run) can go without it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Content-Type-Options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, send_with_headers)
