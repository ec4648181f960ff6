"""After the import, every imported assertion answers what the original served (same
uid, recipient hash, badge, dates) under this server's origin, and its badge class,
issuer profile and image with it."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.fields import normalized_email
from tests.importing.legacy_rows import ROWS, png_bytes
from tests.importing.support import (
    BADGE_PATHS,
    imported_instances,
    legacy,
    original_assertion,
    prepare_target,
    run_import,
)
from tests.support import BASE_URL


@pytest.fixture
async def imported(client: httpx.AsyncClient, engine: AsyncEngine, legacy_url: str) -> None:
    await prepare_target(client)
    await run_import(legacy_url, engine)


@pytest.mark.usefixtures("imported")
async def test_every_assertion_is_the_one_the_original_served(anon: httpx.AsyncClient) -> None:
    for instance in imported_instances():
        response = await anon.get(f"/public/assertions/{instance['slug']}")
        assert response.status_code == 200, instance
        document = response.json()
        expected = original_assertion(instance)
        assert {key: document.get(key) for key in expected} == expected
        assert "expires" in document or "expires" not in expected
        # The badge class and the issuer it names answer too.
        badge_class = (await anon.get(document["badge"].removeprefix(BASE_URL))).json()
        badge = legacy("badges", instance["badgeId"])
        assert badge_class["name"] == badge["name"]
        assert badge_class["description"] == badge["consumerDescription"]
        assert badge_class["criteria"] == badge["criteriaUrl"]
        issuer = await anon.get(badge_class["issuer"].removeprefix(BASE_URL))
        assert issuer.status_code == 200


@pytest.mark.usefixtures("imported")
async def test_the_2_0_documents_answer_with_a_salted_hash_of_the_address(
    anon: httpx.AsyncClient,
) -> None:
    for instance in imported_instances():
        document = (await anon.get(f"/public/assertions/{instance['slug']}?v=2")).json()
        recipient = document["recipient"]
        email = normalized_email(instance["email"]) or instance["email"].strip().lower()
        digest = hashlib.sha256((email + recipient["salt"]).encode()).hexdigest()
        assert recipient["identity"] == f"sha256${digest}"
        assert document["badge"] == f"{BASE_URL}/public{BADGE_PATHS[instance['badgeId']]}?v=2"


@pytest.mark.usefixtures("imported")
async def test_badge_classes_keep_tags_alignments_and_images(anon: httpx.AsyncClient) -> None:
    python = (await anon.get(f"/public{BADGE_PATHS[1]}")).json()
    assert python["tags"] == ["python", "coding"]
    # The 300-character alignment name is skipped (listed in the report).
    assert python["alignment"] == [
        {"name": "CCSS.ELA-Literacy", "url": "http://corestandards.org/x", "description": "Reading"}
    ]
    assert python["image"] == f"{BASE_URL}/public/images/img-python"
    image = await anon.get("/public/images/img-python")
    assert image.status_code == 200
    assert image.content == png_bytes(9, 9, 9)
    explorer = (await anon.get(f"/public{BADGE_PATHS[2]}")).json()
    assert explorer["image"] == "https://cdn.example.org/explorer.png"
    teen = (await anon.get(f"/public{BADGE_PATHS[3]}")).json()
    assert (await anon.get(teen["image"].removeprefix(BASE_URL))).content == legacy("images", 7)[
        "data"
    ]


@pytest.mark.usefixtures("imported")
async def test_issuer_profiles_take_each_field_from_the_deepest_container(
    anon: httpx.AsyncClient,
) -> None:
    program = (
        await anon.get("/public/systems/chicago/issuers/chicago-library/programs/teen-coding")
    ).json()
    row = legacy("programs", 1)
    assert {key: program[key] for key in ("name", "url", "description", "email")} == {
        key: row[key] for key in ("name", "url", "description", "email")
    }
    system = (await anon.get("/public/systems/chicago")).json()
    assert system["name"] == legacy("systems", 1)["name"]
    assert system["image"] == f"{BASE_URL}/public/images/img-chicago"
    # An issuer whose stored bytes are not an image keeps the image's link.
    library = (await anon.get("/public/systems/chicago/issuers/chicago-library")).json()
    assert library["image"] == "https://cdn.example.org/library.png"
    # A system whose slug the target held already keeps the target's own fields.
    pittsburgh = (await anon.get("/public/systems/pittsburgh")).json()
    assert pittsburgh["name"] == "Pittsburgh"


@pytest.mark.usefixtures("imported")
async def test_an_image_two_owners_shared_is_copied(anon: httpx.AsyncClient) -> None:
    parks = (await anon.get("/public/systems/nyc/issuers/nyc-parks")).json()
    assert parks["image"] != f"{BASE_URL}/public/images/img-chicago"
    copy = await anon.get(parks["image"].removeprefix(BASE_URL))
    assert copy.content == legacy("images", 1)["data"]


def test_every_legacy_instance_is_imported_or_listed() -> None:
    ids = {row["id"] for row in ROWS["badgeInstances"]}
    assert {row["id"] for row in imported_instances()} < ids
