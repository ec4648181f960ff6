"""`GET /public/assertions/{uid}`: the hosted assertion in Open Badges 1.0 (default) and
2.0, revoked (410) and expired ones, and how the representation is chosen."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories.badges import LEVELS
from tests.factories.containers import create_tree
from tests.openbadges.support import (
    BASE,
    EARNER,
    ISSUED_ON_UNIX,
    V2_CONTEXT,
    award,
    badge_class_path,
    create_badge_with_image,
    revoke,
    sha256_identity,
)
from tests.support import count_queries

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
EVIDENCE = (("https://work.example.org/essay", "An essay on reading."), (None, "A talk."))
EXPIRES = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


pytestmark = pytest.mark.usefixtures("tree")


@pytest.mark.parametrize("level", LEVELS)
async def test_by_default_the_original_open_badges_1_0_assertion(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, level: str
) -> None:
    await create_badge_with_image(client, level, slug="reader")
    instance = await award(client, "reader", evidence=EVIDENCE, expires=EXPIRES)
    uid = instance.slug

    response = await anon.get(f"/public/assertions/{uid}")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["vary"] == "Accept"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json() == {
        "uid": uid,
        "recipient": {"identity": sha256_identity(EARNER), "type": "email", "hashed": True},
        "badge": f"{BASE}{badge_class_path(level)}",
        "verify": {"type": "hosted", "url": f"{BASE}/public/assertions/{uid}"},
        "issuedOn": ISSUED_ON_UNIX,
        "expires": 1925089445,
        "image": f"{BASE}/public/assertions/{uid}.png",
        "evidence": "https://work.example.org/essay",
    }


async def test_1_0_leaves_out_what_the_award_does_not_have(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    instance = await award(client, "reader", evidence=((None, "Only words."),))

    document = (await anon.get(f"/public/assertions/{instance.slug}")).json()

    assert set(document) == {"uid", "recipient", "badge", "verify", "issuedOn", "image"}


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    ("params", "headers"),
    [({"v": "2"}, {}), ({}, {"Accept": "application/ld+json"})],
    ids=["v=2", "accept"],
)
async def test_open_badges_2_0_assertion(
    client: httpx.AsyncClient,
    anon: httpx.AsyncClient,
    level: str,
    params: dict[str, str],
    headers: dict[str, str],
) -> None:
    await create_badge_with_image(client, level, slug="reader")
    instance = await award(client, "reader", evidence=EVIDENCE, expires=EXPIRES)
    uid = instance.slug

    response = await anon.get(f"/public/assertions/{uid}", params=params, headers=headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    document = response.json()
    recipient = document.pop("recipient")
    assert document == {
        "@context": V2_CONTEXT,
        "type": "Assertion",
        "id": f"{BASE}/public/assertions/{uid}?v=2",
        "badge": f"{BASE}{badge_class_path(level)}?v=2",
        "verification": {"type": "hosted"},
        "issuedOn": "2024-03-01T09:30:15.000Z",
        "expires": "2031-01-02T03:04:05.000Z",
        "image": f"{BASE}/public/assertions/{uid}.png?v=2",
        "evidence": [
            {
                "type": "Evidence",
                "id": "https://work.example.org/essay",
                "narrative": "An essay on reading.",
            },
            {"type": "Evidence", "narrative": "A talk."},
        ],
    }
    salt = recipient["salt"]
    assert len(salt) >= 16
    expected = "sha256$" + hashlib.sha256(f"{EARNER}{salt}".encode()).hexdigest()
    assert recipient == {"type": "email", "hashed": True, "salt": salt, "identity": expected}


async def test_each_award_has_its_own_salt(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    first = await award(client, "reader")
    second = await award(client, "reader", email="other@example.org")

    salts = {
        (await anon.get(f"/public/assertions/{uid}?v=2")).json()["recipient"]["salt"]
        for uid in (first.slug, second.slug)
    }

    assert len(salts) == 2


@pytest.mark.parametrize(
    ("params", "accept", "version", "media_type"),
    [
        ({}, None, 1, "application/json"),
        ({}, "*/*", 1, "application/json"),
        ({}, "application/json", 1, "application/json"),
        ({}, "application/*", 1, "application/json"),
        ({}, "application/ld+json", 2, "application/ld+json"),
        ({}, "application/json;q=0.5, application/ld+json", 2, "application/ld+json"),
        ({}, "application/ld+json;q=0.9, application/json;q=0.4", 2, "application/ld+json"),
        # Equal preference (what the official validator sends): the original's 1.0.
        ({}, "application/ld+json, application/json, image/png", 1, "application/json"),
        ({}, BROWSER, "html", "text/html; charset=utf-8"),
        ({}, "text/html;q=0.2, application/json", 1, "application/json"),
        ({}, "image/png", 1, "application/json"),
        ({}, "not a media type, ;;;", 1, "application/json"),
        ({"v": "1"}, "application/ld+json", 1, "application/json"),
        ({"v": "1"}, BROWSER, 1, "application/json"),
        ({"v": "2"}, BROWSER, 2, "application/ld+json"),
        ({"v": "2"}, "application/json", 2, "application/json"),
    ],
)
async def test_the_representation_follows_v_then_accept(
    client: httpx.AsyncClient,
    anon: httpx.AsyncClient,
    params: dict[str, str],
    accept: str | None,
    version: int | str,
    media_type: str,
) -> None:
    await create_badge_with_image(client, slug="reader")
    instance = await award(client, "reader")
    headers = {"Accept": accept} if accept is not None else {}

    response = await anon.get(f"/public/assertions/{instance.slug}", params=params, headers=headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    if version == "html":
        assert response.text.startswith("<!doctype html>")
    elif version == 2:
        assert response.json()["@context"] == V2_CONTEXT
    else:
        assert response.json()["uid"] == instance.slug


@pytest.mark.parametrize("value", ["4", "", "two", "1.0"])
async def test_an_unknown_version_is_a_400(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, value: str
) -> None:
    await create_badge_with_image(client, slug="reader")
    instance = await award(client, "reader")

    response = await anon.get(f"/public/assertions/{instance.slug}", params={"v": value})

    assert response.status_code == 400
    assert response.json() == {
        "code": "InvalidParameter",
        "parameter": "v",
        "message": "Invalid `v` parameter: use `1` (Open Badges 1.0), `2` (Open Badges 2.0) "
        "or `3` (Open Badges 3.0)",
    }


@pytest.mark.parametrize("accept", [None, "application/ld+json", BROWSER])
async def test_an_unknown_uid_is_a_404(anon: httpx.AsyncClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}

    response = await anon.get("/public/assertions/nope", headers=headers)

    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": "Could not find badgeInstance field: `slug`, value: `nope`",
    }


async def test_revoked_assertions_answer_410_in_every_version(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    instance = await award(client, "reader")
    uid = instance.slug
    await revoke(client, instance, "Awarded to the wrong person")

    original = await anon.get(f"/public/assertions/{uid}")
    linked_data = await anon.get(f"/public/assertions/{uid}?v=2")
    page = await anon.get(f"/public/assertions/{uid}", headers={"Accept": BROWSER})

    assert original.status_code == 410
    assert original.json() == {
        "uid": uid,
        "revoked": True,
        "revocationReason": "Awarded to the wrong person",
    }
    assert linked_data.status_code == 410
    assert linked_data.headers["content-type"] == "application/ld+json"
    assert linked_data.json() == {
        "@context": V2_CONTEXT,
        "type": "Assertion",
        "id": f"{BASE}/public/assertions/{uid}?v=2",
        "uid": uid,
        "revoked": True,
        "revocationReason": "Awarded to the wrong person",
    }
    assert page.status_code == 410
    assert "Revoked" in page.text
    assert "Awarded to the wrong person" in page.text


async def test_a_revocation_without_a_reason(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    instance = await award(client, "reader")
    await revoke(client, instance, None)

    response = await anon.get(f"/public/assertions/{instance.slug}")

    assert response.status_code == 410
    assert response.json() == {"uid": instance.slug, "revoked": True, "revocationReason": None}


async def test_an_expired_assertion_is_still_published_with_its_expiry(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    expired = datetime(2020, 6, 1, 12, 0, tzinfo=UTC)
    issued = datetime(2019, 6, 1, 12, 0, tzinfo=UTC)
    instance = await award(client, "reader", issued_on=issued, expires=expired)

    original = await anon.get(f"/public/assertions/{instance.slug}")
    linked_data = await anon.get(f"/public/assertions/{instance.slug}?v=2")

    assert original.status_code == linked_data.status_code == 200
    assert original.json()["expires"] == 1591012800
    assert linked_data.json()["expires"] == "2020-06-01T12:00:00.000Z"


async def test_a_slug_with_a_dot_is_an_assertion_not_an_image(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    await award(client, "reader", slug="reader.png")
    await award(client, "reader", email="other@example.org", slug="reader")

    document = await anon.get("/public/assertions/reader.png")
    baked = await anon.get("/public/assertions/reader.png.png")

    assert document.status_code == 200
    assert document.json()["uid"] == "reader.png"
    assert baked.status_code == 200
    assert baked.headers["content-type"] == "image/png"


async def test_no_token_is_needed_and_nothing_private_is_published(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    instance = await award(client, "reader", email="Private.Person@example.org")

    for params, headers in [({}, {}), ({"v": "2"}, {}), ({}, {"Accept": BROWSER})]:
        response = await anon.get(
            f"/public/assertions/{instance.slug}", params=params, headers=headers
        )
        assert response.status_code == 200
        assert "private.person" not in response.text.lower()


async def test_an_assertion_costs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_badge_with_image(client, "program", slug="reader")
    little = await award(client, "reader", evidence=(("https://work.example.org/1", None),))
    much = await award(
        client,
        "reader",
        email="busy@example.org",
        evidence=tuple((f"https://work.example.org/{n}", f"Piece {n}") for n in range(12)),
    )
    counts = []
    for instance in (little, much):
        for params, headers in [({}, {}), ({"v": "2"}, {}), ({}, {"Accept": BROWSER})]:
            with count_queries(engine) as counter:
                response = await anon.get(
                    f"/public/assertions/{instance.slug}", params=params, headers=headers
                )
            assert response.status_code == 200
            counts.append(counter.count)

    # The same for little or much evidence, in each representation (the JSON documents
    # leave the badge's lists out; the page shows its criteria, one query more).
    assert counts[:3] == counts[3:]
    assert max(counts) <= 12  # the instance, then one query per relation it shows
