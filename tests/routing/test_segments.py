"""`routing.segments`: the request path cut at the slashes the client sent."""

from __future__ import annotations

from typing import Any

import pytest

from badgekit_api.http.routing.segments import request_path, routing_scope


def scope(path: str, raw: bytes | None = None, root: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"type": "http", "path": path, "root_path": root}
    if raw is not None:
        found["raw_path"] = raw
    return found


@pytest.mark.parametrize(
    ("request_scope", "segments"),
    [
        (scope("/i/a/b@x.org", b"/i/a%2Fb@x.org"), ["i", "a/b@x.org"]),
        # httpx's test transport once left the query string on `raw_path`.
        (scope("/i/a/b@x.org", b"/i/a%2Fb@x.org?page=2"), ["i", "a/b@x.org"]),
        (scope("/i/100%25", b"/i/100%2525"), ["i", "100%25"]),
        (scope("/i/a b", b"/i/a%20b"), ["i", "a b"]),
        (scope("/i/a/b", b"/i/a%2fb"), ["i", "a/b"]),
        # No raw path, or one that is another path: the decoded path as it is.
        (scope("/i/a/b"), ["i", "a", "b"]),
        (scope("/i/a/b", b"/other%2Fpath"), ["i", "a", "b"]),
        (scope("/"), [""]),
        # Below the root path, which the server leaves on both.
        (scope("/api/i/a/b", b"/api/i/a%2Fb", root="/api"), ["i", "a/b"]),
        (scope("/api", b"/api", root="/api"), []),
        (scope("/apiv2/i", b"/apiv2/i", root="/api"), ["apiv2", "i"]),
    ],
)
def test_segments(request_scope: dict[str, Any], segments: list[str]) -> None:
    assert request_path(request_scope).segments == segments


def test_routes_match_a_path_with_the_slash_in_a_segment_kept_encoded() -> None:
    request = scope("/api/i/a%/b", b"/api/i/a%25%2Fb", root="/api")
    routed = routing_scope(request, request_path(request))
    assert routed["path"] == "/api/i/a%25%2Fb"
    assert request["path"] == "/api/i/a%/b"


def test_a_path_without_a_slash_in_a_segment_routes_as_it_is() -> None:
    request = scope("/i/a%b", b"/i/a%25b")
    assert routing_scope(request, request_path(request)) is request
