"""The one ASGI layer every request passes before FastAPI: what used to be four middlewares.

Outermost first, each step the job of its own module:

1. `request_log`: the request id (`X-Request-Id`, kept from the client when sane), one log
   line, and the app's 500 for an error no handler took, so that it gets the id too;
   `security_headers`, added with the id to every answer;
2. `body_limit`: a declared body over `MAX_BODY_BYTES` is a 413 (without CORS headers),
   a body without a declared length is counted as the app reads it;
3. `public_cors`: the CORS headers of everything under `/public/`, errors included;
4. `nul_guard`: a NUL in the URL is a 400 (with CORS headers on a public path);
5. fixed answers: a `GET` or `HEAD` of a path whose answer never changes (`GET /`: the
   name and version) is sent from bytes made once, past FastAPI's routing. The route stays
   in the app, for the OpenAPI document and every other method (OPTIONS, 405);
   `tests/test_health.py` checks that both give the same answer.

One layer instead of four saves a coroutine, a wrapped `send` and their bookkeeping per
layer; the headers are added as bytes in one pass; and `GET /` costs a fraction of a
routed request (see `bench/http_profile.py` and docs/performance.md, *HTTP layer floor*).
`EdgeFastAPI` puts the layer in front of `FastAPI.__call__` itself, whose per-request
OpenTelemetry checks the fixed answers skip too.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from badgekit_api.http import body_limit, public_cors
from badgekit_api.http.nul_guard import nul_answer, nul_in_url
from badgekit_api.http.request_log import (
    REQUEST_ID_HEADER,
    error_response,
    log_request,
    new_request_id,
    sane_request_id,
)
from badgekit_api.http.security_headers import SECURITY_HEADERS
from badgekit_api.logging_config import request_id_var

_OWN_HEADERS = frozenset({REQUEST_ID_HEADER, *(name for name, _ in SECURITY_HEADERS)})
_OWN_PUBLIC_HEADERS = _OWN_HEADERS | public_cors.CORS_HEADER_NAMES


@dataclass(frozen=True, slots=True)
class FixedAnswer:
    """A 200 that is the same for every request: its headers and body, made once."""

    headers: Sequence[tuple[bytes, bytes]]
    body: bytes

    @classmethod
    def of(cls, response: Response) -> FixedAnswer:
        return cls(tuple(response.raw_headers), bytes(response.body))


class Edge:
    def __init__(
        self,
        app: ASGIApp,
        *,
        handlers: object,
        max_bytes: int,
        fixed: Mapping[str, FixedAnswer] | None = None,
    ) -> None:
        self.app = app
        self.handlers = handlers  # what has the app's `exception_handlers`
        self.max_bytes = max_bytes
        self.fixed = dict(fixed or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        public = public_cors.is_public(scope)
        request_id = declared = asked_headers = None
        length_seen = preflight_asked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not length_seen:
                    length_seen, declared = True, body_limit.declared_length(value)
            elif name == REQUEST_ID_HEADER:
                if request_id is None:
                    request_id = sane_request_id(value) or b""
            elif public and name == b"access-control-request-method":
                preflight_asked = True
            elif public and name == b"access-control-request-headers":
                if asked_headers is None:
                    asked_headers = value
        request_id = request_id or new_request_id()
        preflight = preflight_asked and scope["method"] == "OPTIONS"
        context = request_id_var.set(request_id.decode("ascii"))
        status = 500
        response_started = False
        cors = public  # the 413 and the 500 answered here have none, as they never had

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = _with_edge_headers(
                    message.get("headers") or (), request_id, cors, preflight, asked_headers
                )
            await send(message)

        try:
            if declared is not None and declared > self.max_bytes:
                cors = False
                too_large = body_limit.too_large(self.max_bytes).body()
                await JSONResponse(too_large, status_code=413)(scope, receive, send_with_headers)
            elif (part := nul_in_url(scope)) is not None:
                await nul_answer(part)(scope, receive, send_with_headers)
            elif (fixed := self._fixed_answer(scope)) is not None:
                await send_with_headers(
                    {"type": "http.response.start", "status": 200, "headers": fixed.headers}
                )
                body = fixed.body if scope["method"] == "GET" else b""
                await send_with_headers({"type": "http.response.body", "body": body})
            else:
                counted = body_limit.counting(receive, self.max_bytes)
                await self.app(scope, counted, send_with_headers)
        except Exception as exc:
            if response_started:
                raise
            cors = False
            # Answered here rather than by Starlette's outermost error middleware, which
            # would send the 500 around this layer and so without the request id.
            response = await error_response(self.handlers, scope, receive, exc)
            await response(scope, receive, send_with_headers)
        finally:
            log_request(scope, status, round((time.perf_counter() - started) * 1000, 2))
            request_id_var.reset(context)

    def _fixed_answer(self, scope: Scope) -> FixedAnswer | None:
        if not self.fixed or scope["method"] not in ("GET", "HEAD") or scope.get("root_path"):
            return None
        return self.fixed.get(scope["path"])


def _with_edge_headers(
    headers: Sequence[tuple[bytes, bytes]],
    request_id: bytes,
    public: bool,
    preflight: bool,
    asked_headers: bytes | None,
) -> list[tuple[bytes, bytes]]:
    """The app's headers, ours replacing any of the same name it set, then ours."""
    own = _OWN_PUBLIC_HEADERS if public else _OWN_HEADERS
    for name, _ in headers:
        if name in own:
            headers = [header for header in headers if header[0] not in own]
            break
    added = [*headers, (REQUEST_ID_HEADER, request_id), *SECURITY_HEADERS]
    if public:
        added.append(public_cors.ANY_ORIGIN)
        if preflight:
            added += public_cors.preflight_headers(headers, asked_headers)
    return added


class EdgeFastAPI(FastAPI):
    """A FastAPI app whose requests pass `edge` (set once the app is assembled) first."""

    edge: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.edge is None:
            await super().__call__(scope, receive, send)
            return
        await self.edge(scope, receive, send)

    async def routed(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app past its edge: FastAPI's own `__call__` (and so its routing)."""
        await super().__call__(scope, receive, send)
