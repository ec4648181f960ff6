"""A page of badges costs the same number of queries whatever its size (no N+1)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories.badges import LEVELS, create_badge
from tests.factories.containers import create_tree
from tests.factories.images import png_bytes
from tests.support import count_queries


async def create_full_badges(client: httpx.AsyncClient, first: int, last: int) -> None:
    """Badges spread over the three levels, each with an uploaded image and every list."""
    for number in range(first, last):
        level = LEVELS[number % 3]
        await create_badge(
            client,
            level,
            name=f"Badge {number}",
            criteria=[{"description": "One"}, {"description": "Two", "note": "n"}],
            alignments=[{"name": "A", "url": "https://standards.example.org/a"}],
            categories=["science", "arts"],
            tags=["one", "two"],
        )
    response = await client.put(
        "/systems/chicago/badges/badge-0",
        files={"image": ("badge.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 200


async def queries_for(client: httpx.AsyncClient, engine: AsyncEngine, path: str) -> int:
    with count_queries(engine) as counter:
        response = await client.get(path)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize(
    "path",
    [
        "/systems/chicago/badges",
        "/systems/chicago/badges?page=1&count=50",
        "/systems/chicago/issuers/library/badges?archived=any",
    ],
)
async def test_listing_costs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, engine: AsyncEngine, path: str
) -> None:
    await create_tree(client)
    await create_full_badges(client, 0, 5)
    few = await queries_for(client, engine, path)
    await create_full_badges(client, 5, 50)
    body = (await client.get(path)).json()
    assert all(len(badge["criteria"]) == 2 for badge in body["badges"])
    many = await queries_for(client, engine, path)
    assert many == few
    assert few <= 16  # scope (3) + auth + page + count + one per loaded relation


async def test_public_catalogue_costs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    await create_full_badges(client, 0, 3)
    few = await queries_for(anon, engine, "/public/badges")
    await create_full_badges(client, 3, 30)
    assert await queries_for(anon, engine, "/public/badges") == few
