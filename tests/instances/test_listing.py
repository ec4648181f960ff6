"""Reading awards: a badge's instances, one earner's instance of a badge, and an earner's
instances in a system, issuer or program."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories.badges import LEVEL_PREFIXES, LEVELS, badge_body, create_badge
from tests.factories.containers import create_issuer, create_program, create_system, create_tree
from tests.factories.instances import award, instances_url
from tests.support import count_queries


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


@pytest.mark.parametrize("level", LEVELS)
async def test_list_a_badges_instances_in_award_order(
    client: httpx.AsyncClient, level: str
) -> None:
    await create_badge(client, level)
    awarded = [await award(client, level, email=f"earner{n}@example.org") for n in range(3)]

    response = await client.get(instances_url(level))
    assert response.status_code == 200
    assert response.json() == {"instances": awarded}


async def test_listing_pages_only_when_asked(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    awarded = [await award(client, email=f"earner{n}@example.org") for n in range(5)]

    paged = (await client.get(instances_url(), params={"page": 2, "count": 2})).json()
    assert paged == {
        "instances": awarded[2:4],
        "pageData": {"page": 2, "count": 2, "total": 5},
    }
    past_the_end = (await client.get(instances_url(), params={"page": 9, "count": 2})).json()
    assert past_the_end == {"instances": [], "pageData": {"page": 9, "count": 2, "total": 5}}
    assert "pageData" not in (await client.get(instances_url(), params={"page": 1})).json()


async def test_listing_leaves_revoked_awards_out(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await award(client, email="gone@example.org")
    kept = await award(client, email="kept@example.org")
    assert (await client.delete(f"{instances_url()}/gone@example.org")).status_code == 200

    listing = (await client.get(instances_url(), params={"page": 1, "count": 10})).json()
    assert listing == {"instances": [kept], "pageData": {"page": 1, "count": 10, "total": 1}}


@pytest.mark.parametrize("level", LEVELS)
async def test_get_one_earners_instance(client: httpx.AsyncClient, level: str) -> None:
    await create_badge(client, level)
    instance = await award(client, level, email="earner@example.org")

    for asked in ("earner@example.org", "Earner@Example.org", "earner%40example.org"):
        response = await client.get(f"{instances_url(level)}/{asked}")
        assert response.status_code == 200
        assert response.json() == {"instance": instance}


async def test_get_an_unknown_earner_is_a_404(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    response = await client.get(f"{instances_url()}/nobody@example.org")
    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": "Could not find badgeInstance field: `email`, value: `nobody@example.org`",
    }


async def post_badge(client: httpx.AsyncClient, container: str, name: str) -> None:
    response = await client.post(f"{container}/badges", json=badge_body(name=name))
    assert response.status_code == 201, response.text


async def test_earner_listing_covers_the_container_and_below_only(
    client: httpx.AsyncClient,
) -> None:
    await create_issuer(client, slug="museum")
    await create_program(client, slug="writers")
    await create_system(client, slug="boston")
    for level in LEVELS:
        await create_badge(client, level, name=f"{level} badge")
    await post_badge(client, "/systems/chicago/issuers/museum", "Museum badge")
    await post_badge(client, "/systems/chicago/issuers/library/programs/writers", "Writers badge")
    await post_badge(client, "/systems/boston", "Boston badge")

    email = "earner@example.org"
    system = await award(client, "system", "system-badge", email)
    issuer = await award(client, "issuer", "issuer-badge", email)
    program = await award(client, "program", "program-badge", email)
    museum_award = await award(client, "system", "museum-badge", email)
    writers_award = await award(client, "system", "writers-badge", email)
    response = await client.post(
        "/systems/boston/badges/boston-badge/instances", json={"email": email}
    )
    assert response.status_code == 201
    await award(client, "system", "system-badge", "someone-else@example.org")

    async def slugs_at(prefix: str) -> list[str]:
        response = await client.get(f"{prefix}/instances/Earner@example.org")
        assert response.status_code == 200
        return [instance["slug"] for instance in response.json()["instances"]]

    assert await slugs_at(LEVEL_PREFIXES["system"]) == [
        item["slug"] for item in (system, issuer, program, museum_award, writers_award)
    ]
    assert await slugs_at(LEVEL_PREFIXES["issuer"]) == [
        item["slug"] for item in (issuer, program, writers_award)
    ]
    assert await slugs_at(LEVEL_PREFIXES["program"]) == [program["slug"]]
    assert await slugs_at("/systems/chicago/issuers/library/programs/writers") == [
        writers_award["slug"]
    ]


@pytest.mark.parametrize("level", LEVELS)
async def test_an_earner_without_awards_gets_an_empty_list(
    client: httpx.AsyncClient, level: str
) -> None:
    response = await client.get(f"{LEVEL_PREFIXES[level]}/instances/nobody@example.org")
    assert response.status_code == 200
    assert response.json() == {"instances": []}


async def test_earner_listing_pages_and_skips_revoked(client: httpx.AsyncClient) -> None:
    for number in range(3):
        await create_badge(client, name=f"Badge {number}")
        await award(client, badge=f"badge-{number}")
    await client.delete(f"{instances_url(badge='badge-0')}/earner@example.org")

    response = await client.get(
        "/systems/chicago/instances/earner@example.org", params={"page": 1, "count": 1}
    )
    body = response.json()
    assert [instance["badge"]["slug"] for instance in body["instances"]] == ["badge-1"]
    assert body["pageData"] == {"page": 1, "count": 1, "total": 2}


async def test_each_instance_embeds_its_own_badge(client: httpx.AsyncClient) -> None:
    await create_badge(
        client,
        name="Reading",
        criteria=[{"description": "Read ten books"}],
        tags=["books"],
    )
    await create_badge(
        client,
        name="Writing",
        criteria=[{"description": "Write a story"}, {"description": "Share it"}],
        tags=["stories", "craft"],
    )
    await award(client, badge="reading")
    await award(client, badge="writing")

    body = (await client.get("/systems/chicago/instances/earner@example.org")).json()
    shown = {instance["badge"]["slug"]: instance["badge"] for instance in body["instances"]}
    for slug in ("reading", "writing"):
        badge = (await client.get(f"/systems/chicago/badges/{slug}")).json()["badge"]
        assert shown[slug] == badge
    assert [tag["value"] for tag in shown["writing"]["tags"]] == ["stories", "craft"]


async def queries_for(client: httpx.AsyncClient, engine: AsyncEngine, path: str) -> int:
    with count_queries(engine) as counter:
        response = await client.get(path)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize(
    "path",
    [
        "/systems/chicago/issuers/library/badges/python-basics/instances",
        "/systems/chicago/badges/python-basics/instances?page=1&count=100",
        "/systems/chicago/instances/earner@example.org",
        "/systems/chicago/issuers/library/instances/earner@example.org?page=1&count=100",
    ],
)
async def test_listings_cost_a_fixed_number_of_queries(
    client: httpx.AsyncClient, engine: AsyncEngine, path: str
) -> None:
    async def award_some(first: int, last: int) -> None:
        for number in range(first, last):
            evidence = [{"url": f"https://portfolio.example.org/{number}"}]
            await award(client, "issuer", email=f"earner{number}@example.org", evidence=evidence)
            await create_badge(
                client, "program", name=f"Extra {number}", criteria=[{"description": "x"}]
            )
            await award(client, "program", f"extra-{number}", evidence=evidence)

    await create_badge(client, "issuer", criteria=[{"description": "One"}], tags=["t"])
    await award_some(0, 4)
    few = await queries_for(client, engine, path)
    await award_some(4, 30)
    many = await queries_for(client, engine, path)
    assert many == few
    assert few <= 16  # auth, scope, the badge and its lists, page, count, one per relation
