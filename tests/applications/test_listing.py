"""Application listings: what each container level shows, the filters, and their cost."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories.assessment import (
    CRITERIA,
    application_path,
    applications_path,
    create_application,
    create_review,
)
from tests.factories.badges import LEVEL_PREFIXES, LEVELS, badge_body, create_badge
from tests.factories.containers import create_issuer, create_program, create_tree
from tests.factories.images import png_bytes
from tests.support import count_queries


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


async def learners(client: httpx.AsyncClient, path: str) -> list[str]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return [application["learner"] for application in response.json()["applications"]]


async def badge_under(client: httpx.AsyncClient, prefix: str, name: str) -> str:
    response = await client.post(f"{prefix}/badges", json=badge_body(name=name))
    assert response.status_code == 201, response.text
    return response.json()["badge"]["slug"]  # type: ignore[no-any-return]


async def test_each_level_lists_applications_for_its_badges_and_those_below(
    client: httpx.AsyncClient,
) -> None:
    await create_issuer(client, slug="museum")
    await create_program(client, slug="writers")
    for level in LEVELS:
        badge = await create_badge(client, level, name=f"At {level}")
        await create_application(client, badge["slug"], level, learner=f"{level}@example.org")
    museum = await badge_under(client, "/systems/chicago/issuers/museum", "Museum")
    await create_application(client, museum, learner="museum@example.org")
    writers = await badge_under(client, "/systems/chicago/issuers/library/programs/writers", "W")
    await create_application(client, writers, learner="writers@example.org")

    assert await learners(client, "/systems/chicago/applications") == [
        "system@example.org",
        "issuer@example.org",
        "program@example.org",
        "museum@example.org",
        "writers@example.org",
    ]
    assert await learners(client, f"{LEVEL_PREFIXES['issuer']}/applications") == [
        "issuer@example.org",
        "program@example.org",
        "writers@example.org",
    ]
    assert await learners(client, f"{LEVEL_PREFIXES['program']}/applications") == [
        "program@example.org"
    ]
    museum_listing = "/systems/chicago/issuers/museum/applications"
    assert await learners(client, museum_listing) == ["museum@example.org"]


async def test_container_listing_is_sorted_by_created_across_badges(
    client: httpx.AsyncClient,
) -> None:
    first = await create_badge(client, name="First")
    second = await create_badge(client, name="Second")
    await create_application(client, second["slug"], learner="one@example.org")
    await create_application(client, first["slug"], learner="two@example.org")
    await create_application(client, second["slug"], learner="three@example.org")
    assert await learners(client, "/systems/chicago/applications") == [
        "one@example.org",
        "two@example.org",
        "three@example.org",
    ]


async def make_mixed_applications(client: httpx.AsyncClient) -> str:
    """Four applications: two by ann (one processed), bob's assigned to rita, carl's pending."""
    badge = await create_badge(client)
    slug = badge["slug"]
    processed = await create_application(client, slug, learner="ann@example.org")
    await client.put(application_path(slug, processed["slug"]), json={"processed": 1399379085})
    await create_application(client, slug, learner="ann@example.org")
    await create_application(client, slug, learner="bob@example.org", assignedTo="rita@example.org")
    await create_application(client, slug, learner="carl@example.org")
    return slug


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("processed=true", ["ann@example.org"]),
        ("processed=TRUE", ["ann@example.org"]),
        ("processed=false", ["ann@example.org", "bob@example.org", "carl@example.org"]),
        ("processed=1", ["ann@example.org"]),
        ("processed=0", ["ann@example.org", "bob@example.org", "carl@example.org"]),
        *[
            (
                f"processed={either}",
                ["ann@example.org", "ann@example.org", "bob@example.org", "carl@example.org"],
            )
            for either in ("", "any", "ANY")
        ],
        ("assignedTo=rita@example.org", ["bob@example.org"]),
        ("assignedTo=nobody@example.org", []),
        ("email=ann@example.org", ["ann@example.org", "ann@example.org"]),
        ("email=ann@example.org&processed=false", ["ann@example.org"]),
        ("email=Carl@EXAMPLE.org", ["carl@example.org"]),
        ("assignedTo=RITA@example.org", ["bob@example.org"]),
        ("processed=false&count=1&page=2", ["bob@example.org"]),
    ],
)
async def test_filters_narrow_both_listings(
    client: httpx.AsyncClient, query: str, expected: list[str]
) -> None:
    slug = await make_mixed_applications(client)
    assert await learners(client, f"/systems/chicago/applications?{query}") == expected
    assert await learners(client, f"{applications_path(slug)}?{query}") == expected


async def test_a_filtered_page_counts_only_what_matches(client: httpx.AsyncClient) -> None:
    await make_mixed_applications(client)
    body = (await client.get("/systems/chicago/applications?processed=false&page=1&count=2")).json()
    assert body["pageData"] == {"page": 1, "count": 2, "total": 3}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("processed=yes", "processed"),
        ("processed=2", "processed"),
        ("assignedTo=not-an-email", "assignedTo"),
        ("email=nope", "email"),
        ("page=0&count=2", "page"),
        ("page=1&count=x", "count"),
    ],
)
async def test_bad_listing_parameters_are_400_invalid_parameter(
    client: httpx.AsyncClient, query: str, parameter: str
) -> None:
    slug = await make_mixed_applications(client)
    for path in ("/systems/chicago/applications", applications_path(slug)):
        response = await client.get(f"{path}?{query}")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "InvalidParameter"
        assert body["parameter"] == parameter
        assert body["message"]


async def test_a_bad_processed_value_names_the_values_it_takes(client: httpx.AsyncClient) -> None:
    await make_mixed_applications(client)
    response = await client.get("/systems/chicago/applications?processed=all")
    assert response.status_code == 400
    assert response.json() == {
        "code": "InvalidParameter",
        "parameter": "processed",
        "message": "Invalid `processed` parameter: use `true`, `false` or `any`",
    }


async def create_full_applications(client: httpx.AsyncClient, first: int, last: int) -> None:
    """Applications over the three levels, each with evidence (one uploaded) and a review."""
    for number in range(first, last):
        level = LEVELS[number % 3]
        badge = await create_badge(client, level, name=f"Badge {number}", criteria=CRITERIA)
        response = await client.post(
            applications_path(badge["slug"], level),
            data={
                "learner": f"l{number}@example.org",
                "evidence[0][url]": "https://example.org/work",
                "evidence[0][mediaType]": "link",
                "evidence[1][reflection]": "A photo of it",
            },
            files={"evidence[1][file]": ("work.png", png_bytes(), "image/png")},
        )
        assert response.status_code == 201, response.text
        application = response.json()["application"]
        await create_review(client, badge["slug"], application["slug"], level)


async def queries_for(client: httpx.AsyncClient, engine: AsyncEngine, path: str) -> int:
    with count_queries(engine) as counter:
        response = await client.get(path)
    assert response.status_code == 200
    assert all(len(shown["evidence"]) == 2 for shown in response.json()["applications"])
    return counter.count


@pytest.mark.parametrize(
    "path",
    [
        "/systems/chicago/applications",
        "/systems/chicago/applications?page=1&count=50&processed=false",
        "/systems/chicago/issuers/library/applications",
    ],
)
async def test_listing_costs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, engine: AsyncEngine, path: str
) -> None:
    await create_full_applications(client, 0, 3)
    few = await queries_for(client, engine, path)
    await create_full_applications(client, 3, 24)
    many = await queries_for(client, engine, path)
    assert many == few


async def test_a_badge_listing_costs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    badge = await create_badge(client, criteria=CRITERIA)
    path = applications_path(badge["slug"])
    for number in range(2):
        await create_application(
            client, badge["slug"], evidence=[{"reflection": f"r{number}"}, {"reflection": "x"}]
        )
    few = await queries_for(client, engine, path)
    for number in range(20):
        await create_application(
            client, badge["slug"], evidence=[{"reflection": f"r{number}"}, {"reflection": "x"}]
        )
    assert await queries_for(client, engine, path) == few
