"""Milestones CRUD (milestones.md): `/systems/:slug/milestones[/:id[/add-badge|remove-badge]]`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories.badges import create_badge
from tests.factories.containers import create_system, create_tree
from tests.factories.instances import create_milestone

MILESTONES = "/systems/chicago/milestones"


@pytest.fixture
async def badges(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """A primary badge and three support badges, spread over the levels of one system."""
    await create_tree(client)
    return {
        "primary": await create_badge(client, name="Master Reader"),
        "one": await create_badge(client, "system", name="Reader One"),
        "two": await create_badge(client, "issuer", name="Reader Two"),
        "three": await create_badge(client, "program", name="Reader Three"),
    }


async def shown(client: httpx.AsyncClient, slug: str) -> dict[str, Any]:
    return (await client.get(f"/systems/chicago/badges/{slug}")).json()["badge"]  # type: ignore[no-any-return]


async def test_create_answers_the_documented_milestone(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    response = await client.post(
        MILESTONES,
        json={
            "primaryBadgeId": badges["primary"]["id"],
            "numberRequired": 2,
            "supportBadges": [badges["one"]["id"], badges["two"]["id"], badges["three"]["id"]],
        },
    )
    assert response.status_code == 201
    body = response.json()
    milestone_id = body["milestone"]["id"]
    assert body == {
        "status": "created",
        "milestone": {
            "id": milestone_id,
            "action": "issue",
            "numberRequired": 2,
            "primaryBadge": await shown(client, "master-reader"),
            "supportBadges": [
                await shown(client, slug) for slug in ("reader-one", "reader-two", "reader-three")
            ],
        },
    }
    assert response.headers["location"] == f"{MILESTONES}/{milestone_id}"
    assert body["milestone"]["primaryBadge"]["milestones"] == [
        {"id": milestone_id, "action": "issue", "numberRequired": 2}
    ]
    assert body["milestone"]["supportBadges"][0]["milestones"] == []


async def test_create_from_a_form(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    response = await client.post(
        MILESTONES,
        data={
            "primaryBadgeId": str(badges["primary"]["id"]),
            "numberRequired": "1",
            "action": "queue-application",
            "supportBadges[]": [str(badges["one"]["id"]), str(badges["two"]["id"])],
        },
    )
    assert response.status_code == 201, response.text
    milestone = response.json()["milestone"]
    assert milestone["action"] == "queue-application"
    assert [badge["slug"] for badge in milestone["supportBadges"]] == ["reader-one", "reader-two"]


async def test_list_get_and_paginate(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    first = await create_milestone(client, badges["primary"], [badges["one"]])
    second = await create_milestone(client, badges["three"], [badges["one"], badges["two"]], 1)

    assert (await client.get(MILESTONES)).json() == {"milestones": [first, second]}
    paged = (await client.get(MILESTONES, params={"page": 2, "count": 1})).json()
    assert paged == {"milestones": [second], "pageData": {"page": 2, "count": 1, "total": 2}}
    one = await client.get(f"{MILESTONES}/{first['id']}")
    assert one.status_code == 200
    assert one.json() == {"milestone": first}


async def test_milestones_belong_to_their_system(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"]])
    await create_system(client, slug="boston")
    assert (await client.get("/systems/boston/milestones")).json() == {"milestones": []}
    response = await client.get(f"/systems/boston/milestones/{milestone['id']}")
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("milestone_id", ["999", "abc", "1.5"])
async def test_unknown_milestone_is_a_404(
    client: httpx.AsyncClient, method: str, milestone_id: str
) -> None:
    await create_system(client)
    response = await client.request(method, f"{MILESTONES}/{milestone_id}", json={})
    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": f"Could not find milestone field: `id`, value: `{milestone_id}`",
    }


@pytest.mark.parametrize("action", ["add-badge", "remove-badge"])
async def test_badge_changes_on_an_unknown_milestone_are_a_404(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]], action: str
) -> None:
    response = await client.post(f"{MILESTONES}/42/{action}", json={"badgeId": badges["one"]["id"]})
    assert response.status_code == 404
    assert response.json()["code"] == "ResourceNotFound"


# Each case: changes to a valid body (None drops the field), and the field named in the error.
CREATE_ERRORS: list[tuple[dict[str, Any], str]] = [
    ({"supportBadges": None}, "supportBadges"),
    ({"numberRequired": None}, "numberRequired"),
    ({"primaryBadgeId": None}, "primaryBadgeId"),
    ({"numberRequired": 0}, "numberRequired"),
    ({"supportBadges": ["one", 999]}, "supportBadges.1"),
    ({"primaryBadgeId": 999}, "primaryBadgeId"),
    ({"supportBadges": ["primary"]}, "supportBadges"),
    ({"supportBadges": ["x"]}, "supportBadges.0"),
    ({"supportBadges": [True]}, "supportBadges.0"),
    ({"action": "award"}, "action"),
]


@pytest.mark.parametrize(("changes", "field"), CREATE_ERRORS)
async def test_invalid_create_is_a_clean_400(
    client: httpx.AsyncClient,
    badges: dict[str, dict[str, Any]],
    changes: dict[str, Any],
    field: str,
) -> None:
    def badge_id(name: Any) -> Any:
        return badges[name]["id"] if isinstance(name, str) and name in badges else name

    body: dict[str, Any] = {
        "primaryBadgeId": badges["primary"]["id"],
        "numberRequired": 2,
        "supportBadges": [badges["one"]["id"], badges["two"]["id"]],
    }
    body.update(changes)
    if isinstance(body["supportBadges"], list):
        body["supportBadges"] = [badge_id(name) for name in body["supportBadges"]]
    body = {key: value for key, value in body.items() if value is not None}

    response = await client.post(MILESTONES, json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "ValidationError"
    assert field in [detail["field"] for detail in error["details"]]
    assert (await client.get(MILESTONES)).json() == {"milestones": []}


async def test_badges_of_another_system_cannot_be_used(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    await create_system(client, slug="boston")
    response = await client.post(
        "/systems/boston/badges",
        json={
            "name": "Boston Badge",
            "earnerDescription": "e",
            "consumerDescription": "c",
            "criteriaUrl": "https://boston.example.org/criteria",
            "unique": False,
            "type": "skill",
            "imageUrl": "https://cdn.example.org/boston.png",
        },
    )
    boston = response.json()["badge"]
    response = await client.post(
        MILESTONES,
        json={
            "primaryBadgeId": badges["primary"]["id"],
            "numberRequired": 1,
            "supportBadges": [boston["id"]],
        },
    )
    assert response.status_code == 400
    assert response.json()["details"] == [
        {
            "field": "supportBadges.0",
            "value": boston["id"],
            "message": "No badge with this id in system `chicago`",
        }
    ]


async def test_update_changes_only_what_is_given(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"], badges["two"]], 2)
    url = f"{MILESTONES}/{milestone['id']}"

    response = await client.put(url, json={"numberRequired": 1, "action": "queue-application"})
    assert response.status_code == 200
    updated = response.json()
    assert updated["status"] == "updated"
    assert updated["milestone"]["numberRequired"] == 1
    assert updated["milestone"]["action"] == "queue-application"
    assert updated["milestone"]["supportBadges"] == milestone["supportBadges"]
    assert updated["milestone"]["primaryBadge"]["milestones"] == [
        {"id": milestone["id"], "action": "queue-application", "numberRequired": 1}
    ]

    response = await client.put(
        url,
        json={"supportBadges": [badges["three"]["id"]], "primaryBadgeId": badges["two"]["id"]},
    )
    assert response.status_code == 200
    changed = response.json()["milestone"]
    assert changed["primaryBadge"]["slug"] == "reader-two"
    assert [badge["slug"] for badge in changed["supportBadges"]] == ["reader-three"]
    assert (await client.get(url)).json() == {"milestone": changed}


async def test_update_accepts_badges_as_the_api_shows_them(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"]])
    response = await client.put(
        f"{MILESTONES}/{milestone['id']}",
        json={"supportBadges": [*milestone["supportBadges"], badges["two"]]},
    )
    assert response.status_code == 200
    assert len(response.json()["milestone"]["supportBadges"]) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"numberRequired": 0},
        {"supportBadges": [1_000_000]},
        {"numberRequired": "many"},
        {"action": "award"},
        {"primaryBadgeId": "support"},
    ],
)
async def test_invalid_update_is_a_400_that_changes_nothing(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]], body: dict[str, Any]
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"], badges["two"]])
    url = f"{MILESTONES}/{milestone['id']}"
    response = await client.put(url, json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "ValidationError"
    assert (await client.get(url)).json() == {"milestone": milestone}


async def test_update_cannot_make_the_primary_a_support_badge(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"], badges["two"]])
    response = await client.put(
        f"{MILESTONES}/{milestone['id']}", json={"primaryBadgeId": badges["one"]["id"]}
    )
    assert response.status_code == 400


async def test_delete(client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"]])
    url = f"{MILESTONES}/{milestone['id']}"
    response = await client.delete(url)
    assert response.status_code == 200
    assert response.json() == {"status": "deleted", "milestone": milestone}
    assert (await client.get(url)).status_code == 404
    assert (await shown(client, "master-reader"))["milestones"] == []
    assert (await shown(client, "reader-one"))["id"] == badges["one"]["id"]


async def test_deleting_the_primary_badge_deletes_the_milestone(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"]])
    assert (await client.delete("/systems/chicago/badges/master-reader")).status_code == 200
    assert (await client.get(f"{MILESTONES}/{milestone['id']}")).status_code == 404


async def test_deleting_a_support_badge_leaves_the_others(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"], badges["two"]], 1)
    assert (await client.delete("/systems/chicago/badges/reader-one")).status_code == 200
    after = (await client.get(f"{MILESTONES}/{milestone['id']}")).json()["milestone"]
    assert [badge["slug"] for badge in after["supportBadges"]] == ["reader-two"]


async def test_add_and_remove_a_support_badge(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"]])
    url = f"{MILESTONES}/{milestone['id']}"

    added = await client.post(f"{url}/add-badge", json={"badgeId": badges["two"]["id"]})
    assert added.status_code == 200
    assert added.json()["status"] == "updated"
    slugs = [badge["slug"] for badge in added.json()["milestone"]["supportBadges"]]
    assert slugs == ["reader-one", "reader-two"]

    again = await client.post(f"{url}/add-badge", data={"badgeId": str(badges["two"]["id"])})
    assert again.status_code == 200
    assert again.json()["milestone"] == added.json()["milestone"]

    removed = await client.post(f"{url}/remove-badge", json={"badgeId": badges["one"]["id"]})
    assert removed.status_code == 200
    assert [badge["slug"] for badge in removed.json()["milestone"]["supportBadges"]] == [
        "reader-two"
    ]
    assert (await client.get(url)).json() == {"milestone": removed.json()["milestone"]}


async def test_number_required_may_exceed_the_support_badges(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]]
) -> None:
    # The Web app sets the number and adds the badges in either order.
    milestone = await create_milestone(client, badges["primary"], [], 3)
    assert (milestone["numberRequired"], milestone["supportBadges"]) == (3, [])
    url = f"{MILESTONES}/{milestone['id']}"

    added = await client.post(f"{url}/add-badge", json={"badgeId": badges["one"]["id"]})
    assert added.status_code == 200
    assert added.json()["milestone"]["numberRequired"] == 3
    raised = await client.put(url, json={"numberRequired": 5})
    assert raised.status_code == 200
    removed = await client.post(f"{url}/remove-badge", json={"badgeId": badges["one"]["id"]})
    assert removed.status_code == 200
    assert (await client.get(url)).json() == {
        "milestone": {**raised.json()["milestone"], "numberRequired": 5, "supportBadges": []}
    }


@pytest.mark.parametrize("badge", ["two", "primary", 999])
async def test_removing_a_badge_that_is_not_a_support_badge_changes_nothing(
    client: httpx.AsyncClient, badges: dict[str, dict[str, Any]], badge: str | int
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"]])
    url = f"{MILESTONES}/{milestone['id']}"
    badge_id = badges[badge]["id"] if isinstance(badge, str) else badge
    response = await client.post(f"{url}/remove-badge", json={"badgeId": badge_id})
    assert response.status_code == 200
    assert response.json() == {"status": "updated", "milestone": milestone}
    assert (await client.get(url)).json() == {"milestone": milestone}


@pytest.mark.parametrize(
    ("action", "badge", "field"),
    [
        ("add-badge", None, "badgeId"),
        ("add-badge", 999, "badgeId"),
        ("add-badge", "primary", "supportBadges"),
        ("remove-badge", None, "badgeId"),
        ("remove-badge", "one-x", "badgeId"),
    ],
)
async def test_invalid_badge_changes_are_a_400(
    client: httpx.AsyncClient,
    badges: dict[str, dict[str, Any]],
    action: str,
    badge: str | int | None,
    field: str,
) -> None:
    milestone = await create_milestone(client, badges["primary"], [badges["one"]])
    url = f"{MILESTONES}/{milestone['id']}"
    body = {} if badge is None else {"badgeId": badges[badge]["id"] if badge in badges else badge}
    response = await client.post(f"{url}/{action}", json=body)
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == field
    assert (await client.get(url)).json() == {"milestone": milestone}


async def test_milestones_live_at_system_level_only(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    for prefix in (
        "/systems/chicago/issuers/library",
        "/systems/chicago/issuers/library/programs/readers",
    ):
        assert (await client.get(f"{prefix}/milestones")).status_code == 404


async def test_milestones_need_a_signed_request(anon: httpx.AsyncClient) -> None:
    assert (await anon.get(MILESTONES)).status_code == 403
