"""`MAX_BODY_BYTES` for every route, public ones included, and for chunked bodies too.

A declared `Content-Length` over the limit is answered 413 before the app runs. A body
without one is counted as it is read: the read that crosses the limit raises
PayloadTooLarge, which the app's error handler turns into the same 413, and nothing more of
the body is taken in.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from badgekit_api.errors import PayloadTooLarge


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = PayloadTooLarge(f"Request body is larger than {self.max_bytes} bytes")
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await JSONResponse(too_large.body(), status_code=413)(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large
            return message

        await self.app(scope, counting_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None
