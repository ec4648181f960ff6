"""Badge classes, issuer profiles and revocation lists under
`/public/systems/{s}[/issuers/{i}[/programs/{p}]]`, in Open Badges 1.0 and 2.0."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories.badges import LEVELS
from tests.factories.containers import create_issuer, create_program, create_system
from tests.openbadges.images import badge_png
from tests.openbadges.support import (
    BASE,
    PROFILE_PATHS,
    V2_CONTEXT,
    award,
    badge_class_path,
    create_badge_with_image,
    revoke,
)

CRITERIA_NARRATIVE = "- Read five books (required)\n  Any genre counts.\n- Write one review"


@pytest.fixture
async def tree(client: httpx.AsyncClient) -> None:
    """chicago / library / readers, each with some of the profile fields."""
    await create_system(
        client, email="badges@chicago.example.org", description="The city's learning network."
    )
    await create_issuer(client, description="The public library.")
    await create_program(client, email="readers@library.example.org")


pytestmark = pytest.mark.usefixtures("tree")


def _image_of(badge: dict[str, Any]) -> str:
    image: str = badge["imageUrl"]
    assert image.startswith(f"{BASE}/public/images/")
    return image


@pytest.mark.parametrize("level", LEVELS)
async def test_badge_class_1_0(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, level: str
) -> None:
    badge = await create_badge_with_image(client, level, slug="reader")

    response = await anon.get(badge_class_path(level))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "name": "Python Basics",
        "description": "The holder has written and run a Python program.",
        "image": _image_of(badge),
        "criteria": "https://library.example.org/badges/python/criteria",
        "issuer": f"{BASE}{PROFILE_PATHS[level]}",
        "alignment": [
            {
                "name": "Reading standard 3",
                "url": "https://standards.example.org/reading/3",
                "description": "Reads independently.",
            },
            {"name": "Writing standard 1", "url": "https://standards.example.org/writing/1"},
        ],
        "tags": ["reading", "library"],
    }


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    ("params", "headers"),
    [({"v": "2"}, {}), ({}, {"Accept": "application/ld+json"})],
    ids=["v=2", "accept"],
)
async def test_badge_class_2_0(
    client: httpx.AsyncClient,
    anon: httpx.AsyncClient,
    level: str,
    params: dict[str, str],
    headers: dict[str, str],
) -> None:
    badge = await create_badge_with_image(client, level, slug="reader")

    response = await anon.get(badge_class_path(level), params=params, headers=headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.json() == {
        "@context": V2_CONTEXT,
        "type": "BadgeClass",
        "id": f"{BASE}{badge_class_path(level)}?v=2",
        "name": "Python Basics",
        "description": "The holder has written and run a Python program.",
        "image": _image_of(badge),
        "criteria": {
            "id": "https://library.example.org/badges/python/criteria",
            "narrative": CRITERIA_NARRATIVE,
        },
        "issuer": f"{BASE}{PROFILE_PATHS[level]}?v=2",
        "alignment": [
            {
                "targetName": "Reading standard 3",
                "targetUrl": "https://standards.example.org/reading/3",
                "targetDescription": "Reads independently.",
            },
            {
                "targetName": "Writing standard 1",
                "targetUrl": "https://standards.example.org/writing/1",
            },
        ],
        "tags": ["reading", "library"],
    }


async def test_a_badge_without_criteria_alignments_or_tags(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="plain", criteria=[], alignments=[], tags=[])

    original = (await anon.get(badge_class_path("system", "plain"))).json()
    linked_data = (await anon.get(badge_class_path("system", "plain"), params={"v": "2"})).json()

    assert original["alignment"] == original["tags"] == []
    assert linked_data["criteria"] == {"id": "https://library.example.org/badges/python/criteria"}


async def test_a_badge_class_is_found_from_any_container_above_it(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, "program", slug="reader")

    own = await anon.get(badge_class_path("program"), params={"v": "2"})
    from_system = await anon.get(badge_class_path("system"), params={"v": "2"})

    assert from_system.status_code == 200
    assert from_system.json() == own.json()
    assert own.json()["id"] == f"{BASE}{badge_class_path('program')}?v=2"


async def test_archived_badges_keep_their_badge_class(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader", archived=True)

    response = await anon.get(badge_class_path("system"))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "/public/systems/chicago/badges/nope",
            "Could not find badge field: `slug`, value: `nope`",
        ),
        (
            "/public/systems/chicago/issuers/library/programs/readers/badges/outside",
            "Could not find badge field: `slug`, value: `outside`",
        ),
        ("/public/systems/nowhere", "Could not find system field: `slug`, value: `nowhere`"),
        (
            "/public/systems/chicago/issuers/nobody/badges/reader",
            "Could not find issuer field: `slug`, value: `nobody`",
        ),
        (
            "/public/systems/chicago/issuers/library/programs/none/revocations",
            "Could not find program field: `slug`, value: `none`",
        ),
    ],
)
async def test_unknown_containers_and_badges_are_404s(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, path: str, message: str
) -> None:
    await create_badge_with_image(client, "system", slug="outside")

    response = await anon.get(path)

    assert response.status_code == 404
    assert response.json() == {"code": "ResourceNotFound", "message": message}


PROFILES_1_0 = {
    "system": {
        "name": "System chicago",
        "url": "https://chicago.example.org",
        "description": "The city's learning network.",
        "email": "badges@chicago.example.org",
    },
    "issuer": {
        "name": "Issuer library",
        "url": "https://library.example.org",
        "description": "The public library.",
        "email": "badges@chicago.example.org",
    },
    "program": {
        "name": "Program readers",
        "url": "https://readers.example.org",
        "description": "The public library.",
        "email": "readers@library.example.org",
    },
}


@pytest.mark.parametrize("level", LEVELS)
async def test_issuer_profile_takes_each_field_from_the_deepest_container_having_it(
    anon: httpx.AsyncClient, level: str
) -> None:
    original = await anon.get(PROFILE_PATHS[level])
    linked_data = await anon.get(PROFILE_PATHS[level], headers={"Accept": "application/ld+json"})

    assert original.status_code == linked_data.status_code == 200
    assert original.headers["content-type"] == "application/json"
    assert original.json() == PROFILES_1_0[level]
    assert linked_data.headers["content-type"] == "application/ld+json"
    assert linked_data.json() == {
        "@context": V2_CONTEXT,
        "type": "Issuer",
        "id": f"{BASE}{PROFILE_PATHS[level]}?v=2",
        **PROFILES_1_0[level],
        "revocationList": f"{BASE}{PROFILE_PATHS[level]}/revocations",
    }


async def test_a_profile_shows_the_nearest_container_image(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    uploaded = await client.put(
        "/systems/chicago", files={"image": ("logo.png", badge_png(), "image/png")}
    )
    logo = uploaded.json()["system"]["imageUrl"]

    profile = (await anon.get(PROFILE_PATHS["program"], params={"v": "2"})).json()

    assert profile["image"] == logo


@pytest.mark.parametrize("level", LEVELS)
async def test_the_revocation_list_names_the_revoked_assertions_its_profile_issued(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, level: str
) -> None:
    revoked = {}
    for each in LEVELS:
        await create_badge_with_image(client, each, slug=f"{each}-badge")
        kept = await award(client, f"{each}-badge", email="kept@example.org")
        gone = await award(client, f"{each}-badge", email="gone@example.org")
        silent = await award(client, f"{each}-badge", email="silent@example.org")
        await revoke(client, gone, f"{each} mistake")
        await revoke(client, silent, None)
        revoked[each] = (kept.slug, gone.slug, silent.slug)
    _kept, gone_uid, silent_uid = revoked[level]

    response = await anon.get(f"{PROFILE_PATHS[level]}/revocations")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.json() == {
        "@context": V2_CONTEXT,
        "type": "RevocationList",
        "id": f"{BASE}{PROFILE_PATHS[level]}/revocations",
        "issuer": f"{BASE}{PROFILE_PATHS[level]}?v=2",
        "revokedAssertions": [
            {
                "id": f"{BASE}/public/assertions/{gone_uid}?v=2",
                "revocationReason": f"{level} mistake",
            },
            {"id": f"{BASE}/public/assertions/{silent_uid}?v=2"},
        ],
    }


async def test_an_empty_revocation_list_as_plain_json(anon: httpx.AsyncClient) -> None:
    response = await anon.get(
        f"{PROFILE_PATHS['system']}/revocations", headers={"Accept": "application/json"}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["revokedAssertions"] == []
