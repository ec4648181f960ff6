"""How many criteria, alignments, categories and tags a badge may hold (issue 15, defect 10):
past `MAX_BADGE_*` a create or update is a 400 naming the list, in every body encoding,
and nothing is stored; the OpenAPI document shows the configured limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from tests.factories.badges import LEVEL_PREFIXES, badge_body, create_badge
from tests.factories.containers import create_tree
from tests.factories.images import png_bytes
from tests.security.support import app_with
from tests.support import make_client

BADGES = f"{LEVEL_PREFIXES['system']}/badges"
LIMIT = 3
LIST_SETTINGS = {
    "criteria": "max_badge_criteria",
    "alignments": "max_badge_alignments",
    "categories": "max_badge_categories",
    "tags": "max_badge_tags",
}
ENCODINGS = ("json", "urlencoded", "multipart")


def items(field: str, count: int) -> list[Any]:
    """`count` distinct items of the badge list `field`, as a JSON body carries them."""
    if field == "criteria":
        return [{"description": f"Criterion {number}"} for number in range(count)]
    if field == "alignments":
        return [
            {"name": f"Standard {number}", "url": f"https://standards.example.org/{number}"}
            for number in range(count)
        ]
    return [f"{field}-{number}" for number in range(count)]


def form_fields(body: dict[str, Any]) -> dict[str, list[str]]:
    """`body` as form fields: `tags=a&tags=b`, `criteria[0][description]=...`."""
    fields: dict[str, list[str]] = {}
    for key, value in body.items():
        if not isinstance(value, list):
            fields[key] = [str(value).lower() if isinstance(value, bool) else str(value)]
            continue
        for index, item in enumerate(value):
            if isinstance(item, dict):
                for name, text in item.items():
                    fields[f"{key}[{index}][{name}]"] = [text]
            else:
                fields.setdefault(key, []).append(item)
    return fields


async def send(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any], encoding: str
) -> httpx.Response:
    if encoding == "json":
        return await client.request(method, path, json=body)
    fields = form_fields(body)
    if encoding == "urlencoded":
        return await client.request(method, path, data=fields)
    fields.pop("imageUrl", None)
    uploaded = {"image": ("badge.png", png_bytes(1, 2, 3), "image/png")}
    return await client.request(method, path, data=fields, files=uploaded)


@pytest.fixture
async def limited(settings: Settings, client: httpx.AsyncClient) -> AsyncIterator[FastAPI]:
    """An app allowing `LIMIT` items in each of a badge's lists, on the chicago tree."""
    await create_tree(client)
    limits = dict.fromkeys(LIST_SETTINGS.values(), LIMIT)
    async with app_with(settings, **limits) as app:
        yield app


async def stored_badges(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    return (await client.get(BADGES)).json()["badges"]  # type: ignore[no-any-return]


def assert_refused(response: httpx.Response, field: str, count: int, most: int) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "ValidationError"
    assert body["details"] == [
        {"field": field, "value": count, "message": f"At most {most} items are accepted"}
    ]


async def test_a_badge_with_100000_tags_is_a_400_and_is_not_stored(
    client: httpx.AsyncClient,
) -> None:
    await create_tree(client)
    tags = [f"tag-{number}" for number in range(100_000)]

    response = await client.post(BADGES, json=badge_body(tags=tags))

    assert_refused(response, "tags", 100_000, Settings().max_badge_tags)
    assert await stored_badges(client) == []


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("field", LIST_SETTINGS)
async def test_a_create_past_a_list_limit_is_a_400_and_at_the_limit_is_stored(
    limited: FastAPI, client: httpx.AsyncClient, field: str, encoding: str
) -> None:
    async with make_client(limited) as signed:
        refused = await send(
            signed, "POST", BADGES, badge_body(**{field: items(field, LIMIT + 1)}), encoding
        )
        assert_refused(refused, field, LIMIT + 1, LIMIT)
        assert await stored_badges(client) == []

        accepted = await send(
            signed, "POST", BADGES, badge_body(**{field: items(field, LIMIT)}), encoding
        )
        assert accepted.status_code == 201, accepted.text
        assert len(accepted.json()["badge"][field]) == LIMIT


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("field", LIST_SETTINGS)
async def test_an_update_past_a_list_limit_is_a_400_and_changes_nothing(
    limited: FastAPI, client: httpx.AsyncClient, field: str, encoding: str
) -> None:
    before = await create_badge(client, **{field: items(field, 1)}, strapline="Before")
    path = f"{BADGES}/{before['slug']}"
    body = {field: items(field, LIMIT + 1), "strapline": "After"}
    async with make_client(limited) as signed:
        response = await send(signed, "PUT", path, body, encoding)

    assert_refused(response, field, LIMIT + 1, LIMIT)
    assert (await client.get(path)).json()["badge"] == before


async def test_repeated_labels_count_once(limited: FastAPI) -> None:
    tags = ["python", "python", " python ", "code", "code", "maths", ""]
    async with make_client(limited) as signed:
        response = await signed.post(BADGES, json=badge_body(tags=tags))
    assert response.status_code == 201, response.text
    assert [tag["value"] for tag in response.json()["badge"]["tags"]] == [
        "python",
        "code",
        "maths",
    ]


async def test_every_list_past_its_limit_is_named(limited: FastAPI) -> None:
    body = badge_body(**{field: items(field, LIMIT + 1) for field in LIST_SETTINGS})
    async with make_client(limited) as signed:
        response = await signed.post(BADGES, json=body)
    assert response.status_code == 400, response.text
    assert [detail["field"] for detail in response.json()["details"]] == list(LIST_SETTINGS)


async def test_the_openapi_document_shows_the_configured_limits(settings: Settings) -> None:
    limits = {setting: number for number, setting in enumerate(LIST_SETTINGS.values(), start=5)}
    async with app_with(settings, **limits) as app:
        schemas = app.openapi()["components"]["schemas"]
    expected = {field: limits[setting] for field, setting in LIST_SETTINGS.items()}
    for name in ("BadgeCreate", "BadgeCreate-Multipart", "BadgeUpdate", "BadgeUpdate-Multipart"):
        properties = schemas[name]["properties"]
        assert {field: properties[field]["maxItems"] for field in LIST_SETTINGS} == expected
