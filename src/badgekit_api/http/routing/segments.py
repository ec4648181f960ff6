"""A request's path segments cut at the slashes the client sent, not at decoded ones.

Servers hand the app `scope["path"]` percent-decoded, so the valid address `a/b@example.org`
sent as `.../instances/a%2Fb@example.org` arrives as `.../instances/a/b@example.org`: one
segment too many, and no route matches. `scope["raw_path"]` keeps the encoding: it is split
at its own slashes first and each segment decoded on its own, so an encoded `/` stays inside
the email (code, slug) it belongs to. Route patterns match one segment as `[^/]+`; for them
the path is joined again with the `/` (and `%`) inside a segment still encoded, and the
parameters they capture are decoded once more (`decoded_params`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.types import Scope


@dataclass(slots=True)
class RequestPath:
    """The part of the decoded path that is the app's `root_path` (or ""), the decoded
    segments below it (`/a/b` is `["a", "b"]`), and whether one of them holds a `/`."""

    root: str
    segments: list[str]
    slash_in_a_segment: bool

    def routable(self) -> str:
        """The path as route patterns can match it: a `/` or `%` in a segment encoded."""
        encoded = (segment.replace("%", "%25").replace("/", "%2F") for segment in self.segments)
        return self.root + "/" + "/".join(encoded)


def request_path(scope: Scope) -> RequestPath:
    """The request's path below `root_path`, cut at the raw path's slashes when the raw
    path is the same path (it decodes to `scope["path"]`), else at the decoded ones."""
    path: str = scope["path"]
    segments = _raw_segments(scope)
    if segments is None or "/".join(segments) != path:
        segments = path.split("/")
        slash_in_a_segment = False
    else:
        slash_in_a_segment = any("/" in segment for segment in segments)
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path != root:
        depth = root.count("/")
        if "/".join(segments[: depth + 1]) == root:
            return RequestPath(root, segments[depth + 1 :], slash_in_a_segment)
    # A path that is its root path, or has none, as Starlette's routing reads it.
    return RequestPath("", segments[1:] if path != root else [], slash_in_a_segment)


def _raw_segments(scope: Scope) -> list[str] | None:
    raw: bytes | None = scope.get("raw_path")
    # Without an encoded slash both cut alike: the common request pays for no decoding.
    if not raw or (b"%2F" not in raw and b"%2f" not in raw):
        return None
    # Some servers leave the query string on it; a `?` in the path itself is always `%3F`.
    text = raw.partition(b"?")[0].decode("latin-1")
    return [unquote(segment) for segment in text.split("/")]


def routing_scope(scope: Scope, path: RequestPath) -> Scope:
    """The scope the routes are matched against: `scope` itself, unless a segment holds
    a `/`; then a copy whose path keeps it encoded (see `RequestPath.routable`)."""
    if not path.slash_in_a_segment:
        return scope
    return {**scope, "path": path.routable()}


def decoded_params(child_scope: Mapping[str, Any]) -> dict[str, Any]:
    """A route's match on `routing_scope` with the encoded parameters it captured decoded."""
    params = {
        name: unquote(value) if isinstance(value, str) else value
        for name, value in child_scope.get("path_params", {}).items()
    }
    return {**child_scope, "path_params": params}
