"""`.../badges` (badges.md) at the three container levels: shapes, scoping, lists, writes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.factories.badges import LEVEL_PREFIXES, LEVELS, badge_body, create_badge
from tests.factories.containers import create_issuer, create_program, create_system, create_tree

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

EVERY_FIELD: dict[str, Any] = {
    "slug": "python-basics",
    "name": "Python Basics",
    "strapline": "Your first steps in Python.",
    "earnerDescription": "Write and run your first Python program.",
    "consumerDescription": "The holder has written and run a Python program.",
    "issuerUrl": "https://library.example.org",
    "rubricUrl": "https://library.example.org/rubric",
    "criteriaUrl": "https://library.example.org/criteria",
    "timeValue": 10,
    "timeUnits": "hours",
    "evidenceType": "URL",
    "limit": 5,
    "unique": True,
    "type": "skill",
    "archived": False,
    "imageUrl": "https://cdn.example.org/python.png",
    "criteria": [
        {"description": "Writes a script", "required": True, "note": "Check the output"},
        {"description": "Reads an error message", "required": False},
    ],
    "alignments": [
        {"name": "CS-1", "url": "https://standards.example.org/cs-1", "description": "Basics"}
    ],
    "categories": ["science", "technology"],
    "tags": ["python", "coding"],
}


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


async def embedded_containers(client: httpx.AsyncClient, level: str) -> dict[str, Any]:
    """`system` / `issuer` / `program` as a badge at `level` embeds them (badges.md)."""
    system = (await client.get("/systems/chicago")).json()["system"]
    issuer = (await client.get("/systems/chicago/issuers/library")).json()["issuer"]
    program = (await client.get(LEVEL_PREFIXES["program"])).json()["program"]
    return {
        "system": {**system, "issuers": []},
        "issuer": {**issuer, "programs": []} if level != "system" else None,
        "program": program if level == "program" else None,
    }


def with_ids(
    items: list[dict[str, Any]], shown: list[dict[str, Any]], **defaults: Any
) -> list[dict[str, Any]]:
    """`items` as sent, with the ids the server gave them and `defaults` for left-out keys."""
    return [{"id": seen["id"], **defaults, **item} for item, seen in zip(items, shown, strict=True)]


@pytest.mark.parametrize("level", LEVELS)
async def test_create_answers_201_with_every_documented_field(
    client: httpx.AsyncClient, level: str
) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    response = await client.post(f"{LEVEL_PREFIXES[level]}/badges", json=EVERY_FIELD)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{LEVEL_PREFIXES[level]}/badges/python-basics"
    body = response.json()
    badge = body["badge"]
    assert body["status"] == "created"
    assert TIMESTAMP.match(badge["created"])
    created = datetime.fromisoformat(badge["created"].replace("Z", "+00:00"))
    assert before <= created <= datetime.now(UTC)
    assert badge == {
        "id": badge["id"],
        "slug": "python-basics",
        "name": "Python Basics",
        "strapline": "Your first steps in Python.",
        "earnerDescription": "Write and run your first Python program.",
        "consumerDescription": "The holder has written and run a Python program.",
        "issuerUrl": "https://library.example.org",
        "rubricUrl": "https://library.example.org/rubric",
        "timeValue": 10,
        "timeUnits": "hours",
        "evidenceType": "URL",
        "limit": 5,
        "unique": True,
        "created": badge["created"],
        "imageUrl": "https://cdn.example.org/python.png",
        "type": "skill",
        "archived": False,
        **await embedded_containers(client, level),
        "criteriaUrl": "https://library.example.org/criteria",
        "criteria": with_ids(EVERY_FIELD["criteria"], badge["criteria"], note=None),
        "alignments": with_ids(EVERY_FIELD["alignments"], badge["alignments"]),
        "categories": ["science", "technology"],
        "tags": [
            {"id": badge["tags"][0]["id"], "value": "python"},
            {"id": badge["tags"][1]["id"], "value": "coding"},
        ],
        "milestones": [],
    }


@pytest.mark.parametrize("level", LEVELS)
async def test_get_answers_the_badge_as_created(client: httpx.AsyncClient, level: str) -> None:
    created = await create_badge(client, level, **EVERY_FIELD)
    response = await client.get(f"{LEVEL_PREFIXES[level]}/badges/python-basics")
    assert response.status_code == 200
    assert response.json() == {"badge": created}


async def test_optional_fields_left_out_are_null_or_empty(client: httpx.AsyncClient) -> None:
    badge = await create_badge(client)
    for field in ("strapline", "issuerUrl", "rubricUrl", "timeValue", "timeUnits", "limit"):
        assert badge[field] is None, field
    assert badge["evidenceType"] is None
    assert badge["archived"] is False
    for field in ("criteria", "alignments", "categories", "tags", "milestones"):
        assert badge[field] == [], field


@pytest.mark.parametrize(
    ("level", "visible_at"),
    [
        ("system", ["system"]),
        ("issuer", ["system", "issuer"]),
        ("program", ["system", "issuer", "program"]),
    ],
)
async def test_a_badge_is_reachable_from_its_container_and_those_above_only(
    client: httpx.AsyncClient, level: str, visible_at: list[str]
) -> None:
    await create_badge(client, level)
    for prefix_level, prefix in LEVEL_PREFIXES.items():
        response = await client.get(f"{prefix}/badges/python-basics")
        expected = 200 if prefix_level in visible_at else 404
        assert response.status_code == expected, prefix_level


async def test_listing_includes_the_badges_of_lower_levels(client: httpx.AsyncClient) -> None:
    await create_issuer(client, slug="museum")
    await create_program(client, issuer="museum", slug="makers")
    for level, name in (("system", "Sys"), ("issuer", "Lib"), ("program", "Read")):
        await create_badge(client, level, name=name)
    await create_badge_at(client, "/systems/chicago/issuers/museum/programs/makers", "Make")

    async def slugs(prefix: str) -> list[str]:
        response = await client.get(f"{prefix}/badges")
        assert response.status_code == 200
        assert "pageData" not in response.json()
        return [badge["slug"] for badge in response.json()["badges"]]

    assert await slugs("/systems/chicago") == ["sys", "lib", "read", "make"]
    assert await slugs("/systems/chicago/issuers/library") == ["lib", "read"]
    assert await slugs(LEVEL_PREFIXES["program"]) == ["read"]
    assert await slugs("/systems/chicago/issuers/museum") == ["make"]


async def create_badge_at(client: httpx.AsyncClient, prefix: str, name: str) -> None:
    response = await client.post(f"{prefix}/badges", json=badge_body(name=name))
    assert response.status_code == 201, response.text


async def test_other_systems_badges_are_not_listed(client: httpx.AsyncClient) -> None:
    await create_system(client, "pittsburgh")
    await create_badge_at(client, "/systems/pittsburgh", "Elsewhere")
    assert (await client.get("/systems/chicago/badges")).json() == {"badges": []}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["plain", "another"]),
        ("?archived=false", ["plain", "another"]),
        ("?archived=0", ["plain", "another"]),
        ("?archived=true", ["old"]),
        ("?archived=1", ["old"]),
        ("?archived=any", ["plain", "old", "another"]),
        ("?archived=", ["plain", "old", "another"]),
    ],
)
async def test_archived_filter(client: httpx.AsyncClient, query: str, expected: list[str]) -> None:
    await create_badge(client, name="Plain")
    await create_badge(client, "issuer", name="Old", archived=True)
    await create_badge(client, "program", name="Another")
    response = await client.get(f"/systems/chicago/badges{query}")
    assert response.status_code == 200
    assert [badge["slug"] for badge in response.json()["badges"]] == expected


@pytest.mark.parametrize("value", ["yes", "2", "TRUEISH"])
async def test_other_archived_values_are_an_invalid_parameter(
    client: httpx.AsyncClient, value: str
) -> None:
    response = await client.get(f"/systems/chicago/badges?archived={value}")
    assert response.status_code == 400
    assert response.json() == {
        "code": "InvalidParameter",
        "parameter": "archived",
        "message": "Invalid `archived` parameter: use `true`, `false` or `any`",
    }


async def test_list_pages_with_page_data(client: httpx.AsyncClient) -> None:
    for number in range(1, 6):
        await create_badge(client, name=f"Badge {number}")
    await create_badge(client, name="Hidden", archived=True)
    response = await client.get("/systems/chicago/badges?page=2&count=2")
    assert response.status_code == 200
    body = response.json()
    assert [badge["slug"] for badge in body["badges"]] == ["badge-3", "badge-4"]
    assert body["pageData"] == {"page": 2, "count": 2, "total": 5}
    past_the_end = (await client.get("/systems/chicago/badges?page=4&count=2")).json()
    assert past_the_end == {"badges": [], "pageData": {"page": 4, "count": 2, "total": 5}}
    archived = (await client.get("/systems/chicago/badges?archived=any&page=1&count=10")).json()
    assert archived["pageData"] == {"page": 1, "count": 10, "total": 6}


async def test_slug_is_made_from_the_name_and_kept_free_within_the_system(
    client: httpx.AsyncClient,
) -> None:
    assert (await create_badge(client))["slug"] == "python-basics"
    assert (await create_badge(client, "issuer"))["slug"] == "python-basics-2"
    assert (await create_badge(client, "program"))["slug"] == "python-basics-3"
    await create_system(client, "pittsburgh")
    response = await client.post("/systems/pittsburgh/badges", json=badge_body())
    assert response.json()["badge"]["slug"] == "python-basics"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ünïcödé  Badge!", "unicode-badge"),
        ("  --Spaces & Symbols--  ", "spaces-symbols"),
        ("日本語", "badge"),
        ("x" * 255, "x" * 60),
    ],
)
async def test_slug_from_any_name_is_readable(
    client: httpx.AsyncClient, name: str, slug: str
) -> None:
    assert (await create_badge(client, name=name))["slug"] == slug


async def test_a_taken_slug_in_the_system_is_a_409_at_any_level(
    client: httpx.AsyncClient,
) -> None:
    await create_badge(client, slug="reader")
    response = await client.post(
        f"{LEVEL_PREFIXES['program']}/badges", json=badge_body(slug="reader", name="Other")
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "ResourceConflict",
        "message": "badge with that `slug` already exists",
        "error": "badge with that `slug` already exists",
        "details": {"slug": "reader", "name": "Other"},
    }
    assert len((await client.get("/systems/chicago/badges")).json()["badges"]) == 1


async def test_the_same_slug_is_free_in_another_system(client: httpx.AsyncClient) -> None:
    await create_badge(client, slug="reader")
    await create_system(client, "pittsburgh")
    response = await client.post("/systems/pittsburgh/badges", json=badge_body(slug="reader"))
    assert response.status_code == 201


@pytest.mark.parametrize("level", LEVELS)
async def test_update_changes_only_the_given_fields(client: httpx.AsyncClient, level: str) -> None:
    before = await create_badge(client, level, **EVERY_FIELD)
    url = f"{LEVEL_PREFIXES[level]}/badges/python-basics"
    changes = {"name": "Python Basics II", "timeValue": 2, "timeUnits": "days", "unique": False}
    response = await client.put(url, json=changes)
    assert response.status_code == 200
    assert response.json() == {"status": "updated", "badge": {**before, **changes}}
    assert (await client.get(url)).json() == {"badge": {**before, **changes}}


async def test_update_without_lists_keeps_them(client: httpx.AsyncClient) -> None:
    before = await create_badge(client, **EVERY_FIELD)
    response = await client.put("/systems/chicago/badges/python-basics", json={"strapline": "New"})
    after = response.json()["badge"]
    for field in ("criteria", "alignments", "categories", "tags"):
        assert after[field] == before[field], field


async def test_update_clears_optional_fields_given_as_null(client: httpx.AsyncClient) -> None:
    await create_badge(client, **EVERY_FIELD)
    cleared = dict.fromkeys(
        ("strapline", "issuerUrl", "rubricUrl", "timeValue", "timeUnits", "evidenceType", "limit")
    )
    response = await client.put("/systems/chicago/badges/python-basics", json=cleared)
    badge = response.json()["badge"]
    assert {field: badge[field] for field in cleared} == cleared


async def test_update_ignores_null_for_required_fields(client: httpx.AsyncClient) -> None:
    before = await create_badge(client, **EVERY_FIELD)
    nulls = dict.fromkeys(("name", "earnerDescription", "criteriaUrl", "type", "unique"))
    response = await client.put("/systems/chicago/badges/python-basics", json=nulls)
    assert response.json()["badge"] == before


async def test_update_criteria_edits_adds_and_removes(client: httpx.AsyncClient) -> None:
    before = await create_badge(client, **EVERY_FIELD)
    kept, dropped = before["criteria"]
    criteria = [
        {"id": kept["id"], "description": "Writes two scripts", "required": False, "note": None},
        {"description": "Explains a loop", "required": True, "note": "Ask why"},
    ]
    response = await client.put(
        "/systems/chicago/badges/python-basics", json={"criteria": criteria}
    )
    assert response.status_code == 200
    after = response.json()["badge"]["criteria"]
    assert after[0] == {**criteria[0], "id": kept["id"]}
    assert after[1] == {**criteria[1], "id": after[1]["id"]}
    assert after[1]["id"] not in (kept["id"], dropped["id"])
    assert len(after) == 2


async def test_update_with_an_empty_list_removes_every_item(client: httpx.AsyncClient) -> None:
    await create_badge(client, **EVERY_FIELD)
    empty = {"criteria": [], "alignments": [], "categories": [], "tags": []}
    response = await client.put("/systems/chicago/badges/python-basics", json=empty)
    badge = response.json()["badge"]
    assert {field: badge[field] for field in empty} == empty


async def test_update_alignments_by_id(client: httpx.AsyncClient) -> None:
    before = await create_badge(client, **EVERY_FIELD)
    [existing] = before["alignments"]
    alignments = [
        {"id": existing["id"], "name": "CS-1b", "url": "https://standards.example.org/cs-1b"},
        {"name": "MA-2", "url": "https://standards.example.org/ma-2", "description": "Maths"},
    ]
    response = await client.put(
        "/systems/chicago/badges/python-basics", json={"alignments": alignments}
    )
    after = response.json()["badge"]["alignments"]
    assert after[0] == {**alignments[0], "description": None}
    assert after[1] == {**alignments[1], "id": after[1]["id"]}


async def test_update_tags_keeps_the_ids_of_tags_still_there(client: httpx.AsyncClient) -> None:
    before = await create_badge(client, **EVERY_FIELD)
    python_tag = before["tags"][0]
    response = await client.put(
        "/systems/chicago/badges/python-basics",
        json={"tags": ["python", {"value": "scripting"}, "python", ""], "categories": ["arts"]},
    )
    badge = response.json()["badge"]
    assert badge["tags"][0] == python_tag
    assert [tag["value"] for tag in badge["tags"]] == ["python", "scripting"]
    assert badge["categories"] == ["arts"]


async def test_an_unknown_criterion_id_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    before = await create_badge(client, **EVERY_FIELD)
    other = await create_badge(client, **{**EVERY_FIELD, "slug": "other"})
    foreign_id = other["criteria"][0]["id"]
    response = await client.put(
        "/systems/chicago/badges/python-basics",
        json={"name": "Changed", "criteria": [{"id": foreign_id, "description": "Stolen"}]},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "ValidationError",
        "message": "Could not validate required fields",
        "details": [
            {
                "field": "criteria.0.id",
                "value": foreign_id,
                "message": "Not an id of this badge's items (or given twice)",
            }
        ],
    }
    assert (await client.get("/systems/chicago/badges/python-basics")).json()["badge"] == before


async def test_update_renames_the_slug(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    response = await client.put("/systems/chicago/badges/python-basics", json={"slug": "py-101"})
    assert response.json()["badge"]["slug"] == "py-101"
    assert (await client.get("/systems/chicago/badges/py-101")).status_code == 200
    assert (await client.get("/systems/chicago/badges/python-basics")).status_code == 404


async def test_update_to_a_taken_slug_is_a_409_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    await create_badge(client, slug="first")
    second = await create_badge(client, slug="second")
    response = await client.put(
        "/systems/chicago/badges/second", json={"slug": "first", "name": "Renamed"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "ResourceConflict"
    assert (await client.get("/systems/chicago/badges/second")).json()["badge"] == second


async def test_update_archives_and_restores(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await client.put("/systems/chicago/badges/python-basics", json={"archived": True})
    assert (await client.get("/systems/chicago/badges")).json() == {"badges": []}
    await client.put("/systems/chicago/badges/python-basics", json={"archived": False})
    assert len((await client.get("/systems/chicago/badges")).json()["badges"]) == 1


@pytest.mark.parametrize("level", LEVELS)
async def test_delete_answers_the_badge_and_removes_it(
    client: httpx.AsyncClient, level: str
) -> None:
    created = await create_badge(client, level, **EVERY_FIELD)
    url = f"{LEVEL_PREFIXES[level]}/badges/python-basics"
    response = await client.delete(url)
    assert response.status_code == 200
    assert response.json() == {"status": "deleted", "badge": created}
    assert (await client.get(url)).status_code == 404
    assert (await client.get("/systems/chicago/badges?archived=any")).json() == {"badges": []}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_unknown_badge_is_a_404_in_the_original_format(
    client: httpx.AsyncClient, method: str
) -> None:
    body = {} if method == "PUT" else None
    response = await client.request(method, "/systems/chicago/badges/nope", json=body)
    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": "Could not find badge field: `slug`, value: `nope`",
    }


async def test_unknown_container_is_a_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/systems/chicago/issuers/nope/badges")
    assert response.status_code == 404
    assert response.json()["message"] == "Could not find issuer field: `slug`, value: `nope`"


async def test_deleting_a_container_deletes_its_badges(client: httpx.AsyncClient) -> None:
    await create_badge(client, "program")
    await create_badge(client, name="Stays")
    response = await client.delete("/systems/chicago/issuers/library")
    assert response.status_code == 200
    listing = (await client.get("/systems/chicago/badges")).json()["badges"]
    assert [badge["slug"] for badge in listing] == ["stays"]
