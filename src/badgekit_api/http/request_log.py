"""One log line per request, and an `X-Request-Id` on every response (pure ASGI, cheap).

The logged path never has the query string, and path parameters that hold an email or a
claim code are replaced by their names: `/systems/s/instances/{email}`.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from badgekit_api.http.routing.segments import request_path
from badgekit_api.http.security_headers import add_security_headers
from badgekit_api.logging_config import request_id_var

logger = logging.getLogger("badgekit_api.requests")

REQUEST_ID_HEADER = "X-Request-Id"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
SENSITIVE_PARAMS = frozenset({"email", "code"})
_EMAIL_LIKE = re.compile(r"@|%40", re.IGNORECASE)


def incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _SANE_REQUEST_ID.match(text) else None
    return None


def loggable_path(scope: Scope) -> str:
    """The request's path without query string, emails or claim codes."""
    path = request_path({"path": "", **scope})
    params: dict[str, Any] = scope.get("path_params") or {}
    hidden = {str(value): name for name, value in params.items() if name in SENSITIVE_PARAMS}
    # Segments as the client cut them: all of `a/b@example.org` is hidden, not only `b@...`.
    return path.root + "/" + "/".join(_shown(segment, hidden) for segment in path.segments)


def _shown(segment: str, hidden: dict[str, str]) -> str:
    if segment in hidden:
        return f"{{{hidden[segment]}}}"
    return "{email}" if _EMAIL_LIKE.search(segment) else segment


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or uuid.uuid4().hex
        context = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers.append(REQUEST_ID_HEADER, request_id)
                add_security_headers(headers)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if response_started:
                raise
            # Answered here rather than by Starlette's outermost error middleware, which
            # would send the 500 around this one and so without the request id.
            response = await _error_response(scope, receive, exc)
            await response(scope, receive, send_with_id)
        finally:
            logger.info(
                "%s %s %s",
                scope["method"],
                path := loggable_path(scope),
                status,
                extra={
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(context)


async def _error_response(scope: Scope, receive: Receive, exc: Exception) -> Response:
    """The app's own handler for unexpected errors (it logs them), or a bare 500."""
    app = scope.get("app")
    handler = getattr(app, "exception_handlers", {}).get(Exception)
    if handler is not None:
        response: Response = await handler(Request(scope, receive), exc)
        return response
    logger.error("unhandled error", exc_info=exc)
    return JSONResponse({"code": "InternalError", "message": "Internal server error"}, 500)
