"""HTTP methods beyond the documented ones: HEAD wherever GET works, OPTIONS and 405 with
an `Allow` that names every method of the path (issue 15 defect 11, issue 14)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.security.signing import sign_request
from tests.factories.assessment import create_application, create_review
from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import award
from tests.support import TEST_SECRET

PARAMETER = re.compile(r"{(\w+)}")


def _paths(app: FastAPI) -> dict[str, Any]:
    paths: dict[str, Any] = app.openapi()["paths"]
    return paths


def _allow(paths: dict[str, Any], path: str) -> set[str]:
    """What `Allow` should name for `path`: the methods of every documented path it fits
    (`/codes/random` is also the code `random`), and the implicit ones."""
    methods = {
        method.upper()
        for template, item in paths.items()
        if re.fullmatch(PARAMETER.sub("[^/]+", template), path)
        for method in item
    }
    implicit = {"OPTIONS", "HEAD"} if "GET" in methods else {"OPTIONS"}
    return methods | implicit


def _listed(header: str) -> set[str]:
    return {method.strip() for method in header.split(",")}


async def _known_values(client: httpx.AsyncClient) -> dict[str, str]:
    """A tree with a badge, an award and a reviewed application; a value per parameter."""
    await create_tree(client)
    await create_badge(client, "program", slug="python-basics")
    instance = await award(client, "program")
    application = await create_application(client, "python-basics", level="program")
    review = await create_review(client, "python-basics", application["slug"], level="program")
    return {
        "system_slug": "chicago",
        "issuer_slug": "library",
        "program_slug": "readers",
        "badge_slug": "python-basics",
        "email": "earner@example.org",
        "uid": instance["slug"],
        "application_slug": application["slug"],
        "review_slug": review["slug"],
    }


async def test_head_answers_like_get_on_every_path_without_a_body(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    known = await _known_values(client)
    found = 0
    for template, item in _paths(app).items():
        if "get" not in item:
            continue
        path = PARAMETER.sub(lambda match: known.get(match.group(1), "nope"), template)
        get = await client.get(path)
        head = await client.head(path)
        where = f"HEAD {path}"
        assert head.status_code == get.status_code, where
        assert head.content == b"", where
        assert head.headers.get("content-type") == get.headers.get("content-type"), where
        if get.status_code == 200:
            assert int(head.headers["content-length"]) == len(get.content), where
            found += 1
    assert found > 30  # most paths named real rows: the comparison covers real documents


async def test_a_head_request_is_signed_for_head(anon: httpx.AsyncClient) -> None:
    signed_for_get = sign_request("GET", "/systems", None, key="master", secret=TEST_SECRET)
    refused = await anon.head("/systems", headers={"Authorization": signed_for_get})
    assert refused.status_code == 403
    assert refused.content == b""
    signed_for_head = sign_request("HEAD", "/systems", None, key="master", secret=TEST_SECRET)
    accepted = await anon.head("/systems", headers={"Authorization": signed_for_head})
    assert accepted.status_code == 200
    assert accepted.headers["content-type"] == "application/json"


async def test_options_names_every_method_of_the_path_without_a_token(
    app: FastAPI, anon: httpx.AsyncClient
) -> None:
    response = await anon.options("/systems")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert response.content == b""
    paths = _paths(app)
    for template in paths:
        path = PARAMETER.sub("x", template)
        response = await anon.options(path)
        assert response.status_code == 204, path
        assert _listed(response.headers["allow"]) == _allow(paths, path), path


@pytest.mark.parametrize("method", ["PATCH", "TRACE", "PURGE"])
async def test_a_method_the_path_lacks_is_a_405_naming_all_of_its_methods(
    app: FastAPI, client: httpx.AsyncClient, method: str
) -> None:
    paths = _paths(app)
    for template in paths:
        path = PARAMETER.sub("x", template)
        response = await client.request(method, path)
        assert response.status_code == 405, path
        assert response.json()["code"] == "MethodNotAllowed", path
        assert _listed(response.headers["allow"]) == _allow(paths, path), path


async def test_a_documented_method_missing_from_one_route_of_the_path_is_a_405(
    client: httpx.AsyncClient,
) -> None:
    # `/consumers/{key}` has GET and DELETE in two routes; PUT is neither.
    response = await client.put("/consumers/x", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, HEAD, OPTIONS"


@pytest.mark.e2e
async def test_a_real_server_answers_head_with_the_length_of_get(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as http:
        get = await http.get("/healthcheck")
        head = await http.head("/healthcheck")
        again = await http.get("/healthcheck")  # the connection is still in step
    assert head.status_code == get.status_code == again.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == len(get.content)
