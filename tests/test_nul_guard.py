"""NUL characters: refused with a 400 everywhere (PostgreSQL cannot store or compare them,
and answered 500 before), on every database alike, and nothing is written."""

from __future__ import annotations

import httpx
import pytest

from tests.factories.containers import create_system


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "ValidationError"
    assert body["details"] == [
        {"field": field, "value": None, "message": "Must not contain NUL characters"}
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/systems/a%00b",
        "/systems/a%00b/issuers/x/badges",
        "/systems/city/instances/a%00b%40example.org",
        "/public/images/a%00b",
        "/public/assertions/a%00b",
        "/public/systems/a%00b",
    ],
)
async def test_a_nul_in_the_path_is_a_validation_error(client: httpx.AsyncClient, url: str) -> None:
    assert_refused(await client.get(url), "path")


@pytest.mark.parametrize("query", ["archived=a%00", "page=1&x%00=1", "email=a+%00"])
async def test_a_nul_in_the_query_is_a_validation_error(
    client: httpx.AsyncClient, query: str
) -> None:
    await create_system(client, slug="city")
    assert_refused(await client.get(f"/systems/city/badges?{query}"), "query")


async def test_a_nul_in_a_json_body_is_a_validation_error(client: httpx.AsyncClient) -> None:
    system = {"slug": "city", "name": "City\x00", "url": "https://city.example.org"}
    assert_refused(await client.post("/systems", json=system), "name")
    assert (await client.get("/systems")).json() == {"systems": []}


async def test_a_nul_deep_in_a_form_body_is_a_validation_error(client: httpx.AsyncClient) -> None:
    await create_system(client, slug="city")
    form = {
        "name": "Maths",
        "criteria[0][description]": "ok",
        "criteria[1][description]": "not\x00ok",
    }
    created = await client.post("/systems/city/badges", data={**form, "slug": "maths"})
    assert_refused(created, "criteria.1.description")
    assert (await client.get("/systems/city/badges")).json()["badges"] == []
