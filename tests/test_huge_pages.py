"""A page number far past any list (issue 15, defect 2): `(page - 1) * count` overflowed the
database's integer and answered 500. Such a page is a 400 `InvalidParameter` naming `page`;
the last page the server accepts is an ordinary empty page with the real total."""

from __future__ import annotations

import httpx
import pytest

from badgekit_api.http.pagination import MAX_OFFSET
from tests.factories.badges import create_badge
from tests.factories.containers import create_issuer, create_program, create_system
from tests.factories.instances import award

LISTS = [
    ("/systems", "systems"),
    ("/systems/chicago/issuers", "issuers"),
    ("/systems/chicago/issuers/library/programs", "programs"),
    ("/systems/chicago/badges", "badges"),
    ("/systems/chicago/badges/python-basics/instances", "instances"),
    ("/systems/chicago/instances/earner@example.org", "instances"),
    ("/systems/chicago/milestones", "milestones"),
    ("/systems/chicago/webhooks", "webhooks"),
    ("/consumers", "consumers"),
]

HUGE_PAGES = ["2147483648", "4294969", "9223372036854775808", "1" + "0" * 20, "9" * 5000]


@pytest.fixture
async def lists(client: httpx.AsyncClient) -> None:
    await create_system(client)
    await create_issuer(client)
    await create_program(client)
    await create_badge(client)
    await award(client)


@pytest.mark.usefixtures("lists")
@pytest.mark.parametrize("path", [path for path, _ in LISTS])
@pytest.mark.parametrize("page", HUGE_PAGES)
async def test_a_page_past_any_possible_offset_is_an_invalid_parameter(
    client: httpx.AsyncClient, path: str, page: str
) -> None:
    response = await client.get(f"{path}?page={page}&count=500")
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "InvalidParameter"
    assert body["parameter"] == "page"


@pytest.mark.usefixtures("lists")
@pytest.mark.parametrize(("path", "key"), LISTS)
async def test_the_last_accepted_page_is_empty_with_the_real_total(
    client: httpx.AsyncClient, path: str, key: str
) -> None:
    everything = (await client.get(path)).json()[key]
    last = MAX_OFFSET // 500 + 1
    response = await client.get(f"{path}?page={last}&count=500")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body[key] == []
    assert body["pageData"]["page"] == last
    assert body["pageData"]["total"] == len(everything)


async def test_leading_zeros_do_not_make_a_page_too_large(client: httpx.AsyncClient) -> None:
    await create_system(client)
    response = await client.get(f"/systems?page={'0' * 30}1&count=1")
    assert response.status_code == 200, response.text
    assert response.json()["pageData"] == {"page": 1, "count": 1, "total": 1}
