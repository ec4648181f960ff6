"""Request limits: each is a clean 4xx in the BadgeKit format and leaves the data unchanged."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from badgekit_api.models.badges import MAX_SLUG_LENGTH, MAX_STRAPLINE_LENGTH
from badgekit_api.security.signing import sign_request
from tests.factories.assessment import applications_path
from tests.factories.badges import badge_body, create_badge
from tests.factories.containers import create_system
from tests.security.support import app_with, assert_error, client_of
from tests.support import TEST_SECRET, make_client

SMALL_BODY_LIMIT = 1000


@pytest.fixture
async def small_bodies(settings: Settings) -> AsyncIterator[FastAPI]:
    async with app_with(settings, max_body_bytes=SMALL_BODY_LIMIT) as app:
        yield app


async def system_slugs(client: httpx.AsyncClient) -> list[str]:
    return [system["slug"] for system in (await client.get("/systems")).json()["systems"]]


def big_system(size: int) -> bytes:
    body = {"slug": "big", "name": "Big", "url": "https://big.example.org", "x": "y" * size}
    return json.dumps(body).encode()


# Body size (MAX_BODY_BYTES): 413 everywhere, before anything else is looked at.


async def test_an_unsigned_oversized_body_is_a_413_not_a_403(small_bodies: FastAPI) -> None:
    async with client_of(small_bodies) as anon:
        response = await anon.post("/systems", content=big_system(SMALL_BODY_LIMIT))
    assert_error(response, 413, "PayloadTooLarge")
    assert response.headers["x-request-id"]


async def test_an_oversized_body_to_a_public_route_is_a_413(small_bodies: FastAPI) -> None:
    async with client_of(small_bodies) as anon:
        response = await anon.request("GET", "/public/badges", content=b"x" * 5000)
    assert_error(response, 413, "PayloadTooLarge")


async def test_a_chunked_body_without_content_length_is_cut_off(
    small_bodies: FastAPI, client: httpx.AsyncClient
) -> None:
    body = big_system(SMALL_BODY_LIMIT * 4)
    chunks_sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal chunks_sent
        for start in range(0, len(body), 100):
            chunks_sent += 1
            yield body[start : start + 100]

    header = sign_request("POST", "/systems", body, key="master", secret=TEST_SECRET)
    async with client_of(small_bodies) as anon:
        response = await anon.post(
            "/systems",
            content=chunks(),
            headers={"Authorization": header, "content-type": "application/json"},
        )
    assert_error(response, 413, "PayloadTooLarge")
    assert chunks_sent * 100 <= SMALL_BODY_LIMIT + 200  # the rest was never read
    assert await system_slugs(client) == []


async def test_a_body_in_many_chunks_is_read_whole_and_in_order(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    body = big_system(5000)
    header = sign_request("POST", "/systems", body, key="master", secret=TEST_SECRET)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 97):
            yield body[start : start + 97]

    response = await anon.post(
        "/systems",
        content=chunks(),
        headers={"Authorization": header, "content-type": "application/json"},
    )
    assert response.status_code == 201, response.text  # the signed hash matched, too
    assert await system_slugs(client) == ["big"]


async def test_a_body_just_under_the_limit_is_read(small_bodies: FastAPI) -> None:
    body = big_system(SMALL_BODY_LIMIT - 200)
    assert len(body) <= SMALL_BODY_LIMIT
    async with make_client(small_bodies) as signed:
        response = await signed.post(
            "/systems", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 201, response.text


# Nesting depth (MAX_JSON_DEPTH, 32).


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


async def test_a_body_nested_too_deep_is_a_400(client: httpx.AsyncClient) -> None:
    # The body object is level 1, so `extra` may hold 31 levels.
    fine = {"slug": "fine", "name": "Fine", "url": "https://fine.example.org", "x": nested(31)}
    assert (await client.post("/systems", json=fine)).status_code == 201
    deep = {**fine, "slug": "deep", "x": nested(32)}
    body = assert_error(await client.post("/systems", json=deep), 400, "ValidationError")
    assert body["details"][0]["field"] == "body"
    assert "32" in body["details"][0]["message"]
    assert await system_slugs(client) == ["fine"]


async def test_a_very_deep_body_is_a_400_not_a_500(client: httpx.AsyncClient) -> None:
    raw = b'{"slug": "x", "a": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = await client.post(
        "/systems", content=raw, headers={"content-type": "application/json"}
    )
    assert_error(response, 400, "ValidationError")


async def test_a_form_nested_too_deep_is_a_400(client: httpx.AsyncClient) -> None:
    key = "x" + "[a]" * 40
    form = {"slug": "formy", "name": "Formy", "url": "https://formy.example.org", key: "1"}
    assert_error(await client.post("/systems", data=form), 400, "ValidationError")
    assert await system_slugs(client) == []


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
async def test_a_form_key_nested_1200_levels_is_a_400_not_a_500(
    client: httpx.AsyncClient, encoding: str
) -> None:
    # Issue 15, defect 3: building the nested fields raised RecursionError before the
    # depth was checked.
    await create_system(client, "chicago")
    key = "criteria" + "[a]" * 1200
    fields = {**badge_body(), key: "1"}
    files = {"unused": ("unused.txt", b"x", "text/plain")} if encoding == "multipart" else None
    response = await client.post("/systems/chicago/badges", data=fields, files=files)
    body = assert_error(response, 400, "ValidationError")
    assert body["details"][0]["field"] == "criteria"
    assert "32" in body["details"][0]["message"]
    assert (await client.get("/systems/chicago/badges")).json()["badges"] == []


# Per-field lengths: every free-text field has a limit.

BADGES = "/systems/chicago/badges"


@pytest.fixture
async def chicago(client: httpx.AsyncClient) -> None:
    await create_system(client)


@pytest.mark.usefixtures("chicago")
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "n" * 256),
        ("strapline", "s" * (MAX_STRAPLINE_LENGTH + 1)),
        ("earnerDescription", "e" * 10_001),
        ("consumerDescription", "c" * 10_001),
        ("type", "t" * 256),
        ("criteriaUrl", "https://example.org/" + "c" * 2048),
        ("issuerUrl", "https://example.org/" + "i" * 2048),
        ("rubricUrl", "https://example.org/" + "r" * 2048),
        ("imageUrl", "https://example.org/" + "i" * 2048),
        ("slug", "s" * (MAX_SLUG_LENGTH + 1)),
        ("categories", ["c" * 256]),
        ("tags", ["t" * 256]),
        ("criteria", [{"description": "d" * 10_001}]),
        ("criteria", [{"description": "fine", "note": "n" * 10_001}]),
        ("alignments", [{"name": "n" * 256, "url": "https://example.org/a"}]),
        (
            "alignments",
            [{"name": "a", "url": "https://example.org/a", "description": "d" * 10_001}],
        ),
    ],
)
async def test_an_overlong_badge_field_is_a_400(
    client: httpx.AsyncClient, field: str, value: Any
) -> None:
    response = await client.post(BADGES, json=badge_body(**{field: value}))
    body = assert_error(response, 400, "ValidationError")
    assert body["details"][0]["field"].split(".")[0] == field
    assert (await client.get(BADGES)).json() == {"badges": []}


@pytest.mark.usefixtures("chicago")
async def test_a_megabyte_earner_description_is_a_400_on_update_too(
    client: httpx.AsyncClient,
) -> None:
    badge = await create_badge(client)
    response = await client.put(
        f"{BADGES}/{badge['slug']}", json={"earnerDescription": "e" * 1_000_000}
    )
    assert_error(response, 400, "ValidationError")
    stored = (await client.get(f"{BADGES}/{badge['slug']}")).json()["badge"]
    assert stored["earnerDescription"] == badge["earnerDescription"]


async def test_a_ten_megabyte_earner_description_is_a_400_not_stored(
    settings: Settings, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    async with app_with(settings, max_body_bytes=32 * 1024 * 1024) as app:
        async with make_client(app) as signed:
            body = badge_body(earnerDescription="e" * 10 * 1024 * 1024)
            response = await signed.post(BADGES, json=body)
    error = assert_error(response, 400, "ValidationError")
    assert (await client.get(BADGES)).json() == {"badges": []}
    # The error names the field and echoes only the start of the value, not 10 MB of it.
    assert len(response.content) < 2000
    (detail,) = error["details"]
    assert detail["field"] == "earnerDescription"
    assert detail["value"].startswith("eeee") and len(detail["value"]) <= 310


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "n" * 256),
        ("description", "d" * 256),
        ("url", "https://example.org/" + "u" * 2048),
        ("email", "e" * 250 + "@example.org"),
        ("slug", "s" * 51),
    ],
)
async def test_an_overlong_container_field_is_a_400(
    client: httpx.AsyncClient, field: str, value: str
) -> None:
    body = {"slug": "city", "name": "City", "url": "https://city.example.org", field: value}
    response = await client.post("/systems", json=body)
    assert_error(response, 400, "ValidationError")
    assert await system_slugs(client) == []


# Counts: page size, emails per bulk award, evidence per application.


async def test_a_page_larger_than_max_page_count_is_a_400(client: httpx.AsyncClient) -> None:
    body = assert_error(await client.get("/systems?page=1&count=501"), 400, "InvalidParameter")
    assert body["parameter"] == "count"
    assert (await client.get("/systems?page=1&count=500")).status_code == 200


async def test_more_emails_than_max_bulk_emails_is_a_400_and_awards_nothing(
    settings: Settings, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    await create_badge(client)
    bulk = f"{BADGES}/python-basics/instances/bulk"
    emails = [f"earner{number}@example.org" for number in range(4)]
    async with app_with(settings, max_bulk_emails=3) as app, make_client(app) as signed:
        response = await signed.post(bulk, json={"emails": emails})
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "ValidationError"
        accepted = await signed.post(bulk, json={"emails": emails[:3]})
        assert accepted.status_code == 201, accepted.text
    listed = (await client.get(f"{BADGES}/python-basics/instances")).json()["instances"]
    assert sorted(instance["email"] for instance in listed) == emails[:3]


async def test_more_evidence_than_max_application_evidence_is_a_400(
    settings: Settings, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    await create_badge(client)
    evidence = [
        {"url": f"https://example.org/e{number}", "mediaType": "link"} for number in range(3)
    ]
    path = applications_path("python-basics")
    async with app_with(settings, max_application_evidence=2) as app, make_client(app) as signed:
        body = {"learner": "earner@example.org", "evidence": evidence}
        response = await signed.post(path, json=body)
        assert_error(response, 400, "ValidationError")
    assert (await client.get(path)).json()["applications"] == []
