"""Badges from urlencoded and multipart forms, as the BadgeKit Web app and clients post them."""

from __future__ import annotations

import httpx
import pytest

from tests.factories.badges import badge_body, create_badge
from tests.factories.containers import create_tree
from tests.factories.images import png_bytes

FORM = {
    "name": "Python Basics",
    "earnerDescription": "Write a program.",
    "consumerDescription": "Wrote a program.",
    "criteriaUrl": "https://library.example.org/criteria",
    "type": "skill",
    "imageUrl": "https://cdn.example.org/python.png",
    "timeValue": "3",
    "timeUnits": "weeks",
    "limit": "",
    "strapline": "",
}


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


@pytest.mark.parametrize(
    ("sent", "stored"), [("true", True), ("1", True), ("on", True), ("false", False), ("0", False)]
)
async def test_form_booleans_are_read_as_such(
    client: httpx.AsyncClient, sent: str, stored: bool
) -> None:
    response = await client.post(
        "/systems/chicago/badges", data={**FORM, "unique": sent, "archived": sent}
    )
    assert response.status_code == 201, response.text
    badge = response.json()["badge"]
    assert (badge["unique"], badge["archived"]) == (stored, stored)


async def test_urlencoded_create_with_lists(client: httpx.AsyncClient) -> None:
    content = (
        "name=Python+Basics&earnerDescription=e&consumerDescription=c&type=skill&unique=true"
        "&criteriaUrl=https%3A%2F%2Fx.org%2Fc&imageUrl=https%3A%2F%2Fx.org%2Fi.png"
        "&criteria[0][description]=First&criteria[0][required]=true&criteria[0][note]=N"
        "&criteria[1][description]=Second&criteria[1][required]=0"
        "&alignments[0][name]=CS&alignments[0][url]=https%3A%2F%2Fcs.org"
        "&tags[]=python&tags[]=code&categories=science"
    )
    response = await client.post(
        "/systems/chicago/badges",
        content=content,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 201, response.text
    badge = response.json()["badge"]
    assert [(c["description"], c["required"], c["note"]) for c in badge["criteria"]] == [
        ("First", True, "N"),
        ("Second", False, None),
    ]
    assert [(a["name"], a["url"]) for a in badge["alignments"]] == [("CS", "https://cs.org")]
    assert [tag["value"] for tag in badge["tags"]] == ["python", "code"]
    assert badge["categories"] == ["science"]
    assert (badge["timeValue"], badge["limit"], badge["strapline"]) == (None, None, None)


async def test_blank_form_fields_clear_optional_values(client: httpx.AsyncClient) -> None:
    await create_badge(client, strapline="Short", limit=4, tags=["a"])
    response = await client.put(
        "/systems/chicago/badges/python-basics", data={"strapline": "", "limit": "", "tags": ""}
    )
    badge = response.json()["badge"]
    assert (badge["strapline"], badge["limit"], badge["tags"]) == (None, None, [])


async def test_multipart_create_with_an_uploaded_image(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    image = png_bytes(1, 2, 3)
    fields = {key: str(value) for key, value in badge_body(imageUrl=None).items()}
    response = await client.post(
        "/systems/chicago/badges",
        data={**fields, "tags[]": "python"},
        files={"image": ("badge.png", image, "image/png")},
    )
    assert response.status_code == 201, response.text
    badge = response.json()["badge"]
    assert badge["imageUrl"].startswith("http://badges.test/public/images/")
    assert [tag["value"] for tag in badge["tags"]] == ["python"]
    served = await anon.get(badge["imageUrl"])
    assert served.status_code == 200
    assert served.content == image
