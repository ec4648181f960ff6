"""Claim codes (claim-codes.md) at the three container levels."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.factories.badges import LEVEL_PREFIXES, LEVELS, badge_body, create_badge
from tests.factories.containers import create_system, create_tree

RANDOM_CODE = re.compile(r"^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$")


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


def codes_url(level: str, badge: str = "python-basics") -> str:
    return f"{LEVEL_PREFIXES[level]}/badges/{badge}/codes"


async def create_code(
    client: httpx.AsyncClient, level: str = "system", **body: Any
) -> dict[str, Any]:
    response = await client.post(codes_url(level), json=body)
    assert response.status_code == 201, response.text
    return response.json()["claimCode"]  # type: ignore[no-any-return]


async def create_code_on(client: httpx.AsyncClient, badge: str, **body: Any) -> dict[str, Any]:
    """A code on a badge found from the system level, whatever level it lives at."""
    response = await client.post(codes_url("system", badge), json=body)
    assert response.status_code == 201, response.text
    return response.json()["claimCode"]  # type: ignore[no-any-return]


async def badge_as_shown(client: httpx.AsyncClient, level: str) -> dict[str, Any]:
    response = await client.get(f"{LEVEL_PREFIXES[level]}/badges/python-basics")
    return response.json()["badge"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("level", LEVELS)
async def test_create_a_given_code(client: httpx.AsyncClient, level: str) -> None:
    await create_badge(client, level)
    response = await client.post(codes_url(level), json={"code": "SUMMER-2014"})
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "status": "created",
        "claimCode": {
            "id": body["claimCode"]["id"],
            "code": "SUMMER-2014",
            "claimed": False,
            "email": None,
            "multiuse": False,
        },
        "badge": await badge_as_shown(client, level),
    }
    assert response.headers["location"] == f"{codes_url(level)}/SUMMER-2014"


async def test_create_with_every_option(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    code = await create_code(
        client, code="vip", claimed=True, multiuse=True, email="guest@example.org"
    )
    assert (code["claimed"], code["multiuse"], code["email"]) == (True, True, "guest@example.org")


async def test_form_options_are_read_as_booleans(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    response = await client.post(
        codes_url("system"), data={"code": "form", "multiuse": "true", "claimed": "0"}
    )
    assert response.status_code == 201, response.text
    code = response.json()["claimCode"]
    assert (code["multiuse"], code["claimed"]) == (True, False)


@pytest.mark.parametrize("level", LEVELS)
async def test_create_a_random_code(client: httpx.AsyncClient, level: str) -> None:
    await create_badge(client, level)
    first = await client.post(f"{codes_url(level)}/random", json={"multiuse": True})
    second = await client.post(f"{codes_url(level)}/random", content=b"")
    assert first.status_code == second.status_code == 201
    codes = [first.json()["claimCode"], second.json()["claimCode"]]
    assert all(RANDOM_CODE.match(code["code"]) for code in codes)
    assert codes[0]["code"] != codes[1]["code"]
    assert [code["multiuse"] for code in codes] == [True, False]
    assert first.json()["badge"] == await badge_as_shown(client, level)
    assert first.headers["location"] == f"{codes_url(level)}/{codes[0]['code']}"


@pytest.mark.parametrize("level", LEVELS)
async def test_list_codes_with_the_badge(client: httpx.AsyncClient, level: str) -> None:
    await create_badge(client, level)
    created = [await create_code(client, level, code=f"code-{n}") for n in range(3)]
    response = await client.get(codes_url(level))
    assert response.status_code == 200
    assert response.json() == {
        "claimCodes": created,
        "badge": await badge_as_shown(client, level),
    }


async def test_list_codes_pages_with_page_data(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_badge(client, slug="other")
    for n in range(5):
        await create_code(client, code=f"code-{n}")
    await client.post(codes_url("system", "other"), json={"code": "not-mine"})
    body = (await client.get(f"{codes_url('system')}?page=2&count=2")).json()
    assert [code["code"] for code in body["claimCodes"]] == ["code-2", "code-3"]
    assert body["pageData"] == {"page": 2, "count": 2, "total": 5}


@pytest.mark.parametrize("level", LEVELS)
async def test_get_one_code(client: httpx.AsyncClient, level: str) -> None:
    await create_badge(client, level)
    code = await create_code(client, level, code="abc123")
    response = await client.get(f"{codes_url(level)}/abc123")
    assert response.status_code == 200
    assert response.json() == {"badge": await badge_as_shown(client, level), "claimCode": code}


async def test_codes_compare_exactly(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_code(client, code="AbC")
    assert (await client.get(f"{codes_url('system')}/abc")).status_code == 404
    assert (await client.post(codes_url("system"), json={"code": "abc"})).status_code == 201


async def test_unknown_code_is_a_404(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_badge(client, slug="other")
    await client.post(codes_url("system", "other"), json={"code": "theirs"})
    for code in ("nope", "theirs"):
        response = await client.get(f"{codes_url('system')}/{code}")
        assert response.status_code == 404
        assert response.json() == {
            "code": "ResourceNotFound",
            "message": f"Could not find the request claim code: {code}",
        }


async def test_codes_of_an_unknown_badge_are_a_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/systems/chicago/badges/nope/codes")
    assert response.status_code == 404
    assert response.json()["message"] == "Could not find badge field: `slug`, value: `nope`"


@pytest.mark.parametrize(
    ("badge_level", "found_at"),
    [
        ("system", ["system"]),
        ("issuer", ["system", "issuer"]),
        ("program", ["system", "issuer", "program"]),
    ],
)
async def test_badge_of_a_code_from_its_container_and_those_above(
    client: httpx.AsyncClient, badge_level: str, found_at: list[str]
) -> None:
    await create_badge(client, badge_level)
    await create_code(client, badge_level, code="find-me")
    for level, prefix in LEVEL_PREFIXES.items():
        response = await client.get(f"{prefix}/codes/find-me")
        if level in found_at:
            assert response.status_code == 200
            badge = await badge_as_shown(client, badge_level)
            assert response.json() == {"badge": {**badge, "claimed": False}}
        else:
            assert response.status_code == 404
            assert response.json() == {
                "code": "ResourceNotFound",
                "message": "Could not find the request claim code: find-me",
            }


async def test_badge_of_a_claimed_code_says_so(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_code(client, code="used", claimed=True)
    response = await client.get("/systems/chicago/codes/used")
    assert response.json()["badge"]["claimed"] is True


async def test_a_multiuse_code_never_reads_as_claimed(client: httpx.AsyncClient) -> None:
    # The original showed `claimed && !multiuse`: the code can still be used.
    await create_badge(client)
    await create_code(client, code="open", multiuse=True)
    claim = await client.post(f"{codes_url('system')}/open/claim", json={"email": "a@x.org"})
    assert claim.json()["claimCode"]["claimed"] is True
    response = await client.get("/systems/chicago/codes/open")
    assert response.status_code == 200
    assert response.json()["badge"]["claimed"] is False


@pytest.mark.parametrize("level", LEVELS)
async def test_delete_a_code(client: httpx.AsyncClient, level: str) -> None:
    await create_badge(client, level)
    code = await create_code(client, level, code="gone")
    response = await client.delete(f"{codes_url(level)}/gone")
    assert response.status_code == 200
    assert response.json() == {
        "status": "deleted",
        "claimCode": code,
        "badge": await badge_as_shown(client, level),
    }
    assert (await client.get(f"{codes_url(level)}/gone")).status_code == 404
    assert (await client.get(codes_url(level))).json()["claimCodes"] == []


@pytest.mark.parametrize("action", ["DELETE", "POST /claim"])
async def test_deleting_or_claiming_an_unknown_code_is_a_404(
    client: httpx.AsyncClient, action: str
) -> None:
    await create_badge(client)
    if action == "DELETE":
        response = await client.delete(f"{codes_url('system')}/nope")
    else:
        response = await client.post(f"{codes_url('system')}/nope/claim", json={})
    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": "Could not find claimCode field: `code`, value: `nope`",
    }


@pytest.mark.parametrize("level", LEVELS)
async def test_claim_a_single_use_code_once(client: httpx.AsyncClient, level: str) -> None:
    await create_badge(client, level)
    code = await create_code(client, level, code="once")
    url = f"{codes_url(level)}/once/claim"
    response = await client.post(url, json={"email": "first@example.org"})
    assert response.status_code == 200
    claimed = {**code, "claimed": True, "email": "first@example.org"}
    assert response.json() == {
        "status": "updated",
        "claimCode": claimed,
        "badge": await badge_as_shown(client, level),
    }
    again = await client.post(url, json={"email": "second@example.org"})
    assert again.status_code == 400
    assert again.json() == {
        "code": "CodeAlreadyUsed",
        "message": "Claim code `once` has already been claimed",
    }
    stored = await client.get(f"{codes_url(level)}/once")
    assert stored.json()["claimCode"] == claimed


async def test_multiuse_false_means_single_use(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_code(client, code="single", multiuse=False)
    url = f"{codes_url('system')}/single/claim"
    assert (await client.post(url, json={"email": "a@example.org"})).status_code == 200
    assert (await client.post(url, json={"email": "b@example.org"})).status_code == 400


async def test_a_code_created_claimed_cannot_be_claimed(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_code(client, code="spent", claimed=True)
    response = await client.post(f"{codes_url('system')}/spent/claim", json={})
    assert response.status_code == 400
    assert response.json()["code"] == "CodeAlreadyUsed"


async def test_a_multiuse_code_is_claimed_again_and_again(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_code(client, code="open", multiuse=True)
    url = f"{codes_url('system')}/open/claim"
    for email in ("a@example.org", "b@example.org", "b@example.org"):
        response = await client.post(url, json={"email": email})
        assert response.status_code == 200
        code = response.json()["claimCode"]
        assert (code["claimed"], code["multiuse"], code["email"]) == (True, True, email)
    unnamed = await client.post(url, content=b"")
    assert unnamed.status_code == 200
    assert unnamed.json()["claimCode"]["email"] == "b@example.org"


async def test_a_code_is_unique_per_badge(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_badge(client, "program", slug="other")
    await create_code(client, code="dup")
    again = await client.post(codes_url("system"), json={"code": "dup"})
    assert again.status_code == 409
    assert again.json() == {
        "code": "ResourceConflict",
        "message": "claimCode with that `code` already exists",
        "error": "claimCode with that `code` already exists",
        "details": {"code": "dup", "badge": "python-basics"},
    }
    assert len((await client.get(codes_url("system"))).json()["claimCodes"]) == 1

    # Another badge of the system may carry it too, as in the original.
    other = await client.post(codes_url("program", "other"), json={"code": "dup"})
    assert other.status_code == 201, other.text
    assert [
        code["code"]
        for code in (await client.get(codes_url("program", "other"))).json()["claimCodes"]
    ] == ["dup"]


async def test_a_shared_code_is_claimed_on_each_badge_apart(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_badge(client, slug="other")
    await create_code(client, code="shared")
    await create_code_on(client, "other", code="shared")
    claim = await client.post(f"{codes_url('system')}/shared/claim", json={"email": "a@x.org"})
    assert claim.status_code == 200
    other = (await client.get(f"{codes_url('system', 'other')}/shared")).json()["claimCode"]
    assert (other["claimed"], other["email"]) == (False, None)


@pytest.mark.parametrize("level", LEVELS)
async def test_a_code_on_several_badges_finds_the_oldest_of_those_below_the_container(
    client: httpx.AsyncClient, level: str
) -> None:
    await create_badge(client, "system", slug="first")
    await create_badge(client, "issuer", slug="second")
    await create_badge(client, "program", slug="third")
    for badge in ("third", "second", "first"):
        await create_code_on(client, badge, code="shared")
    expected = {"system": "first", "issuer": "second", "program": "third"}[level]
    response = await client.get(f"{LEVEL_PREFIXES[level]}/codes/shared")
    assert response.status_code == 200
    assert response.json()["badge"]["slug"] == expected


async def test_a_shared_code_shows_the_oldest_badge_even_when_its_code_is_used(
    client: httpx.AsyncClient,
) -> None:
    await create_badge(client, slug="first")
    await create_badge(client, slug="second")
    await create_code_on(client, "first", code="shared", claimed=True)
    await create_code_on(client, "second", code="shared")
    badge = (await client.get("/systems/chicago/codes/shared")).json()["badge"]
    assert (badge["slug"], badge["claimed"]) == ("first", True)


async def test_the_same_code_is_free_in_another_system(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_code(client, code="shared")
    await create_system(client, "pittsburgh")
    await client.post("/systems/pittsburgh/badges", json=badge_body())
    response = await client.post(
        "/systems/pittsburgh/badges/python-basics/codes", json={"code": "shared"}
    )
    assert response.status_code == 201
    found = await client.get("/systems/pittsburgh/codes/shared")
    assert found.json()["badge"]["system"]["slug"] == "pittsburgh"


@pytest.mark.parametrize(
    ("body", "field", "value"),
    [
        ({}, "code", None),
        ({"code": ""}, "code", ""),
        ({"code": "c" * 256}, "code", "c" * 256),
        ({"code": "a/b"}, "code", "a/b"),
        ({"code": 42}, "code", 42),
        ({"code": "ok", "email": "not-an-email"}, "email", "not-an-email"),
        ({"code": "ok", "multiuse": "sometimes"}, "multiuse", "sometimes"),
        ({"code": "ok", "claimed": [1]}, "claimed", None),
    ],
)
async def test_bad_create_is_a_400_and_creates_nothing(
    client: httpx.AsyncClient, body: dict[str, Any], field: str, value: Any
) -> None:
    await create_badge(client)
    response = await client.post(codes_url("system"), json=body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "ValidationError"
    [detail] = response.json()["details"]
    assert (detail["field"], detail["value"]) == (field, value)
    assert (await client.get(codes_url("system"))).json()["claimCodes"] == []


async def test_a_bad_email_on_claim_is_a_400_and_leaves_the_code_unclaimed(
    client: httpx.AsyncClient,
) -> None:
    await create_badge(client)
    code = await create_code(client, code="keep")
    response = await client.post(f"{codes_url('system')}/keep/claim", json={"email": "nope"})
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "email"
    assert (await client.get(f"{codes_url('system')}/keep")).json()["claimCode"] == code


async def test_deleting_the_badge_deletes_its_codes(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    await create_code(client, code="orphan")
    await client.delete("/systems/chicago/badges/python-basics")
    assert (await client.get("/systems/chicago/codes/orphan")).status_code == 404
    await create_badge(client)
    assert (await client.post(codes_url("system"), json={"code": "orphan"})).status_code == 201
