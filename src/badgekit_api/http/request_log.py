"""One log line per request, and an `X-Request-Id` on every response (`http/edge.py` calls
these for every request, so each is cheap on the common request).

The logged path never has the query string, and path parameters that hold an email or a
claim code are replaced by their names: `/systems/s/instances/{email}`.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope

from badgekit_api.http.routing.segments import request_path

logger = logging.getLogger("badgekit_api.requests")

REQUEST_ID_HEADER = b"x-request-id"
_SANE_REQUEST_ID = re.compile(rb"^[A-Za-z0-9-]{1,64}$")
SENSITIVE_PARAMS = frozenset({"email", "code"})
_EMAIL_LIKE = re.compile(r"@|%40", re.IGNORECASE)


def sane_request_id(value: bytes) -> bytes | None:
    """An incoming `X-Request-Id` worth keeping (letters, digits, `-`, at most 64), or None."""
    return value if _SANE_REQUEST_ID.match(value) else None


def new_request_id() -> bytes:
    """32 random hex digits (what `uuid4().hex` gave, without building a UUID)."""
    return os.urandom(16).hex().encode("ascii")


def loggable_path(scope: Scope) -> str:
    """The request's path without query string, emails or claim codes."""
    params: dict[str, Any] = scope.get("path_params") or {}
    path: str = scope.get("path", "")
    raw: bytes = scope.get("raw_path") or b""
    if (
        not SENSITIVE_PARAMS.intersection(params)
        and path.startswith("/")
        and not scope.get("root_path")
        and not _EMAIL_LIKE.search(path)
        and b"%2F" not in raw
        and b"%2f" not in raw
    ):
        # Nothing to hide and no encoded slash: the segments below would give `path` back.
        return path
    cut = request_path({"path": "", **scope})
    hidden = {str(value): name for name, value in params.items() if name in SENSITIVE_PARAMS}
    # Segments as the client cut them: all of `a/b@example.org` is hidden, not only `b@...`.
    return cut.root + "/" + "/".join(_shown(segment, hidden) for segment in cut.segments)


def _shown(segment: str, hidden: dict[str, str]) -> str:
    if segment in hidden:
        return f"{{{hidden[segment]}}}"
    return "{email}" if _EMAIL_LIKE.search(segment) else segment


def log_request(scope: Scope, status: int, duration_ms: float) -> None:
    """The request's line: `GET /systems/s 200`, with method, path, status and duration
    as fields."""
    if not logger.isEnabledFor(logging.INFO):
        return
    method = scope["method"]
    path = loggable_path(scope)
    fields = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
    # Made here rather than by `logger.info`, which would walk the stack for the caller's
    # file and line (a tenth of a health check's CPU) for a record whose place is known.
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %s",
        (method, path, status),
        None,
        "log_request",
        fields,
    )
    logger.handle(record)


async def error_response(app: Any, scope: Scope, receive: Receive, exc: Exception) -> Response:
    """The app's own handler for unexpected errors (it logs them), or a bare 500."""
    handler = getattr(app, "exception_handlers", {}).get(Exception)
    if handler is not None:
        response: Response = await handler(Request(scope, receive), exc)
        return response
    logger.error("unhandled error", exc_info=exc)
    return JSONResponse({"code": "InternalError", "message": "Internal server error"}, 500)
