"""Find a request's route by its path segments instead of trying every route in turn.

Starlette tries each route's regular expression in order until one matches: about two
hundred of them for a BadgeKit request deep in the tree. `RouteIndex` sorts the routes into
a tree of path segments once, so a request only tries the few routes of its own shape
(`/systems/{}/badges/{}`: the badge's GET, PUT and DELETE), in their original order.
The route those tries pick is the one the full scan would have picked: only a route whose
shape fits can match at all. A path whose routes all take other methods is answered by
`methods.answer_other_method` (HEAD, OPTIONS, a 405 naming them all). Anything else the
index does not answer (a path with a trailing slash to redirect, a 404, lifespan and
websocket events) goes to the router exactly as before. Segments are cut where the
client put its slashes, so an encoded `/` stays inside its email or code (`routing.segments`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from starlette.routing import BaseRoute, Match, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from badgekit_api.http.routing.methods import answer_other_method
from badgekit_api.http.routing.segments import decoded_params, request_path, routing_scope

# A whole segment that is one path parameter, `{name}` or `{name:convertor}`.
_PARAMETER = re.compile(r"^{[^{}:]+(?::([^{}]+))?}$")
_ANY = object()  # the key of a parameter segment in the tree


@dataclass(slots=True)
class _Node:
    children: dict[object, _Node] = field(default_factory=dict)
    routes: list[tuple[int, BaseRoute]] = field(default_factory=list)


def route_shape(path: str) -> list[object] | None:
    """The segments of a route's path, `_ANY` for a parameter; None when a segment can
    match more or less than one request segment (a `:path` parameter, text around one)."""
    shape: list[object] = []
    for segment in path.split("/")[1:]:
        parameter = _PARAMETER.match(segment)
        if parameter is not None:
            if parameter.group(1) == "path":
                return None
            shape.append(_ANY)
        elif "{" in segment or "}" in segment:
            return None
        else:
            shape.append(segment)
    return shape


class RouteIndex:
    """The router's routes by shape; an ASGI app standing where the router's own was."""

    def __init__(self, router: Router, fallback: ASGIApp) -> None:
        self.router = router
        self.fallback = fallback
        self._root = _Node()
        self._anywhere: list[tuple[int, BaseRoute]] = []
        for position, route in enumerate(router.routes):
            path = getattr(route, "path", None)
            shape = route_shape(path) if isinstance(path, str) else None
            if shape is None:
                self._anywhere.append((position, route))
                continue
            node = self._root
            for key in shape:
                node = node.children.setdefault(key, _Node())
            node.routes.append((position, route))

    def candidates(self, segments: Iterable[str]) -> list[BaseRoute]:
        """The routes that could match these request path segments, in router order."""
        nodes = [self._root]
        for segment in segments:
            reached = []
            for node in nodes:
                literal = node.children.get(segment)
                if literal is not None:
                    reached.append(literal)
                # A parameter matches one or more characters, never an empty segment.
                parameter = node.children.get(_ANY) if segment else None
                if parameter is not None:
                    reached.append(parameter)
            if not reached:
                nodes = []
                break
            nodes = reached
        found = [entry for node in nodes for entry in node.routes]
        if len(nodes) > 1 or self._anywhere:
            found = sorted([*found, *self._anywhere], key=lambda entry: entry[0])
        return [route for _, route in found]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.fallback(scope, receive, send)
            return
        path = request_path(scope)
        routed = routing_scope(scope, path)
        other_methods: list[tuple[BaseRoute, Scope]] = []
        for route in self.candidates(path.segments):
            match, child_scope = route.matches(routed)
            if match is Match.NONE:
                continue
            if routed is not scope:
                child_scope = decoded_params(child_scope)
            if match is Match.PARTIAL:
                other_methods.append((route, child_scope))
                continue
            scope.setdefault("router", self.router)
            scope.update(child_scope)
            await route.handle(scope, receive, send)
            return
        if other_methods:
            scope.setdefault("router", self.router)
            await answer_other_method(scope, receive, send, other_methods)
            return
        # The router scans the same path: with a slash kept encoded, it must not find a
        # route for the decoded one (`badges/x%2Finstances` is no badge's instances).
        await self.fallback(routed, receive, send)


def index_routes(router: Router) -> RouteIndex:
    """Put an index of the router's routes (all of them added by now) in front of it."""
    index = RouteIndex(router, router.middleware_stack)
    router.middleware_stack = index
    return index
