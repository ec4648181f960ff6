"""Bad badge input: a 400 in the BadgeKit format naming the field, and nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories.badges import LEVEL_PREFIXES, LEVELS, badge_body, create_badge
from tests.factories.containers import create_tree

MISSING = "Missing required field"
MISSING_IMAGE = "A badge needs an image: upload it as `image` or give `imageUrl`"
BAD_URL = "Must be a fully qualified http(s) URL, e.g. https://www.example.org"

BAD_CREATES: list[tuple[str, dict[str, Any], str, Any, str | None]] = [
    # (case, overrides, field, value shown, message or None for "any message")
    *[
        (f"missing {field}", {field: None}, field, None, MISSING)
        for field in (
            "name",
            "earnerDescription",
            "consumerDescription",
            "criteriaUrl",
            "unique",
            "type",
        )
    ],
    (
        "no image",
        {"imageUrl": None},
        "image",
        None,
        MISSING_IMAGE,
    ),
    ("blank name", {"name": "  "}, "name", "  ", None),
    ("name too long", {"name": "n" * 256}, "name", "n" * 256, None),
    ("type too long", {"type": "t" * 256}, "type", "t" * 256, None),
    (
        "strapline too long",
        {"strapline": "s" * 141},
        "strapline",
        "s" * 141,
        "String should have at most 140 characters",
    ),
    ("bad timeUnits", {"timeUnits": "years"}, "timeUnits", "years", None),
    ("bad evidenceType", {"evidenceType": "url"}, "evidenceType", "url", None),
    ("criteriaUrl not a url", {"criteriaUrl": "criteria"}, "criteriaUrl", "criteria", BAD_URL),
    ("issuerUrl not http", {"issuerUrl": "ftp://x.org"}, "issuerUrl", "ftp://x.org", BAD_URL),
    ("rubricUrl not a url", {"rubricUrl": "rubric"}, "rubricUrl", "rubric", BAD_URL),
    (
        "imageUrl not http",
        {"imageUrl": "javascript:alert(1)"},
        "imageUrl",
        "javascript:alert(1)",
        BAD_URL,
    ),
    (
        "image not a url",
        {"image": "picture.png", "imageUrl": None},
        "image",
        "picture.png",
        BAD_URL,
    ),
    ("timeValue not a number", {"timeValue": "ten"}, "timeValue", "ten", None),
    ("timeValue negative", {"timeValue": -1}, "timeValue", -1, None),
    ("limit a fraction", {"limit": 1.5}, "limit", 1.5, None),
    ("unique not a boolean", {"unique": "maybe"}, "unique", "maybe", None),
    ("archived not a boolean", {"archived": "maybe"}, "archived", "maybe", None),
    ("slug with a space", {"slug": "two words"}, "slug", "two words", None),
    ("slug too long", {"slug": "s" * 256}, "slug", "s" * 256, None),
    ("criteria not objects", {"criteria": ["x"]}, "criteria.0", "x", None),
    (
        "criterion without description",
        {"criteria": [{"required": True}]},
        "criteria.0.description",
        None,
        MISSING,
    ),
    (
        "criterion required not boolean",
        {"criteria": [{"description": "d", "required": "often"}]},
        "criteria.0.required",
        "often",
        None,
    ),
    ("alignment without url", {"alignments": [{"name": "A"}]}, "alignments.0.url", None, MISSING),
    (
        "alignment bad url",
        {"alignments": [{"name": "A", "url": "nope"}]},
        "alignments.0.url",
        "nope",
        BAD_URL,
    ),
    ("tags not a list", {"tags": 5}, "tags", 5, None),
    ("tag too long", {"tags": ["t" * 256]}, "tags.0", "t" * 256, None),
    ("categories of objects", {"categories": [{"name": "x"}]}, "categories.0", None, None),
]


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


def assert_validation_error(
    response: httpx.Response, field: str, value: Any, message: str | None
) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "ValidationError"
    assert body["message"] == "Could not validate required fields"
    [detail] = [detail for detail in body["details"] if detail["field"] == field]
    assert detail["value"] == value
    if message is not None:
        assert detail["message"] == message
    assert detail["message"]


@pytest.mark.parametrize(
    ("overrides", "field", "value", "message"),
    [case[1:] for case in BAD_CREATES],
    ids=[case[0] for case in BAD_CREATES],
)
async def test_bad_create_is_a_400_and_creates_nothing(
    client: httpx.AsyncClient, overrides: dict[str, Any], field: str, value: Any, message: str
) -> None:
    response = await client.post("/systems/chicago/badges", json=badge_body(**overrides))
    assert_validation_error(response, field, value, message)
    assert (await client.get("/systems/chicago/badges?archived=any")).json() == {"badges": []}


async def test_every_missing_field_is_reported_at_once(client: httpx.AsyncClient) -> None:
    response = await client.post("/systems/chicago/badges", json={"imageUrl": "https://x.org/a"})
    assert response.status_code == 400
    fields = [detail["field"] for detail in response.json()["details"]]
    assert fields == [
        "name",
        "earnerDescription",
        "consumerDescription",
        "criteriaUrl",
        "unique",
        "type",
    ]


@pytest.mark.parametrize("level", LEVELS)
async def test_a_missing_image_is_reported_with_the_other_missing_fields(
    client: httpx.AsyncClient, level: str
) -> None:
    # The reference marks the image required; a client reading the one 400 learns all.
    response = await client.post(f"{LEVEL_PREFIXES[level]}/badges", json={"name": "Reader"})
    assert response.status_code == 400
    assert [(item["field"], item["value"]) for item in response.json()["details"]] == [
        ("earnerDescription", None),
        ("consumerDescription", None),
        ("criteriaUrl", None),
        ("unique", None),
        ("type", None),
        ("image", None),
    ]
    assert (await client.get("/systems/chicago/badges?archived=any")).json() == {"badges": []}


@pytest.mark.parametrize("blank", ["", "  "])
async def test_blank_image_fields_are_no_image(client: httpx.AsyncClient, blank: str) -> None:
    response = await client.post(
        "/systems/chicago/badges", json=badge_body(imageUrl=blank, image=blank)
    )
    assert_validation_error(response, "image", blank, MISSING_IMAGE)


async def test_a_form_with_no_file_chosen_has_no_image(client: httpx.AsyncClient) -> None:
    # A browser sends an empty, unnamed file part when no file was chosen.
    fields = {key: str(value) for key, value in badge_body(imageUrl=None, name=None).items()}
    response = await client.post(
        "/systems/chicago/badges",
        data=fields,
        files={"image": ("", b"", "application/octet-stream")},
    )
    assert response.status_code == 400
    assert [item["field"] for item in response.json()["details"]] == ["name", "image"]


async def test_an_update_needs_no_image(client: httpx.AsyncClient) -> None:
    before = await create_badge(client)
    url = f"/systems/chicago/badges/{before['slug']}"
    response = await client.put(url, json={"name": "Renamed"})
    assert response.status_code == 200
    assert response.json()["badge"] == {**before, "name": "Renamed"}


@pytest.mark.parametrize(
    ("overrides", "field", "value", "message"),
    [case[1:] for case in BAD_CREATES if case[1] and None not in case[1].values()],
    ids=[case[0] for case in BAD_CREATES if case[1] and None not in case[1].values()],
)
@pytest.mark.parametrize("level", LEVELS)
async def test_bad_update_is_a_400_and_changes_nothing(
    client: httpx.AsyncClient,
    level: str,
    overrides: dict[str, Any],
    field: str,
    value: Any,
    message: str,
) -> None:
    before = await create_badge(client, level, tags=["kept"], criteria=[{"description": "kept"}])
    url = f"{LEVEL_PREFIXES[level]}/badges/{before['slug']}"
    response = await client.put(url, json={"name": "Changed", **overrides})
    assert_validation_error(response, field, value, message)
    assert (await client.get(url)).json() == {"badge": before}


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'"text"'],
    ids=["malformed", "array", "string"],
)
async def test_a_body_that_is_not_a_json_object_is_refused(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/systems/chicago/badges", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "ValidationError"
    assert (await client.get("/systems/chicago/badges")).json() == {"badges": []}
