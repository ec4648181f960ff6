"""Numbers in the URL are ASCII digits: `¹`, `²` or `٣` pass `str.isdigit()` but not
`int()`, and answered 500 before (found by the deep fuzz run)."""

from __future__ import annotations

import httpx
import pytest

from tests.factories.containers import create_system


@pytest.mark.parametrize("query", ["page=%C2%B9&count=1", "page=1&count=%C2%B2"])
async def test_a_page_in_other_digits_is_an_invalid_parameter(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await client.get(f"/systems?{query}")
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "InvalidParameter"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/systems/city/webhooks/%C2%B9"),
        ("GET", "/systems/city/webhooks/%D9%A3/deliveries"),
        ("POST", "/systems/city/webhooks/%C2%B9/deliveries/x/redeliver"),
        ("GET", "/systems/city/milestones/%C2%B9"),
        ("DELETE", "/systems/city/milestones/%C2%B2"),
    ],
)
async def test_an_id_in_other_digits_is_not_found(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    await create_system(client, slug="city")
    response = await client.request(method, path)
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "ResourceNotFound"


@pytest.mark.parametrize("action", ["add-badge", "remove-badge"])
async def test_a_milestone_action_on_an_id_in_other_digits_is_not_found(
    client: httpx.AsyncClient, action: str
) -> None:
    await create_system(client, slug="city")
    response = await client.post(f"/systems/city/milestones/%C2%B9/{action}", json={"badgeId": 1})
    assert response.status_code == 404, response.text
