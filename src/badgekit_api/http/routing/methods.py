"""What a request gets when its path exists but no route takes its method.

Starlette answers such a request from the first route of that path alone: a 405 whose
`Allow` names that route's methods (`GET` for `/systems`, which takes `POST` too), also
for `HEAD` and `OPTIONS`. Here every route of the path counts:

- `HEAD` runs the path's `GET` route and sends its status and headers without the body
  (RFC 9110 §9.3.2), so a signed `HEAD` is checked like any request (its token names `HEAD`);
- `OPTIONS` answers 204 with `Allow`, without a token: it reveals no more than
  `/openapi.json` does, and a browser's CORS preflight never carries one;
- any other method is a 405 whose `Allow` lists every method of the path.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Message, Receive, Scope, Send


def allowed_methods(routes: Iterable[BaseRoute]) -> str:
    """The `Allow` header of a path served by `routes`."""
    methods = {"OPTIONS"}
    for route in routes:
        methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def _get_route(routes: Iterable[tuple[BaseRoute, Scope]]) -> tuple[Route, Scope] | None:
    for route, child_scope in routes:
        if isinstance(route, Route) and "GET" in (route.methods or ()):
            return route, child_scope
    return None


def _without_body(send: Send) -> Send:
    async def send_headers_only(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_headers_only


async def answer_other_method(
    scope: Scope, receive: Receive, send: Send, matched: list[tuple[BaseRoute, Scope]]
) -> None:
    """Answer a request that only `matched` routes (path right, method wrong) fit."""
    method = scope["method"]
    if method == "HEAD":
        found = _get_route(matched)
        if found is not None:
            route, child_scope = found
            scope.update(child_scope)
            # `route.handle` would refuse HEAD, not one of its methods; the app behind it is
            # the endpoint itself (routes are mounted flat, see `routing.flat`).
            await route.app(scope, receive, _without_body(send))
            return
    allow = allowed_methods(route for route, _ in matched)
    if method == "OPTIONS":
        await Response(status_code=204, headers={"Allow": allow})(scope, receive, send)
        return
    raise HTTPException(status_code=405, headers={"Allow": allow})
