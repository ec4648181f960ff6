"""Evidence in the three body encodings, uploaded evidence images, replacement and limits."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.factories.assessment import application_path, applications_path, create_application
from tests.factories.badges import create_badge
from tests.factories.containers import create_tree
from tests.factories.images import png_bytes

EXPECTED = [
    {"url": "https://example.org/work", "mediaType": "link", "reflection": "My website"},
    {"url": None, "mediaType": None, "reflection": "What I learned"},
]


@pytest.fixture(autouse=True)
async def badge(client: httpx.AsyncClient) -> str:
    await create_tree(client)
    return (await create_badge(client))["slug"]  # type: ignore[no-any-return]


async def listed(client: httpx.AsyncClient, badge: str) -> list[dict[str, Any]]:
    return (await client.get(applications_path(badge))).json()["applications"]  # type: ignore[no-any-return]


async def test_submit_as_json(client: httpx.AsyncClient, badge: str) -> None:
    response = await client.post(
        applications_path(badge),
        json={
            "learner": "earner@example.org",
            "evidence": [
                {
                    "url": "https://example.org/work",
                    "mediaType": "link",
                    "reflection": "My website",
                },
                {"reflection": "What I learned"},
            ],
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["application"]["evidence"] == EXPECTED


async def test_submit_urlencoded_with_indexed_evidence(
    client: httpx.AsyncClient, badge: str
) -> None:
    content = urlencode(
        {
            "learner": "earner@example.org",
            "assignedTo": "reviewer@example.org",
            "assignedExpiration": "2030-01-01T00:00:00Z",
            "evidence[0][url]": "https://example.org/work",
            "evidence[0][mediaType]": "link",
            "evidence[0][reflection]": "My website",
            "evidence[1][url]": "",
            "evidence[1][mediaType]": "",
            "evidence[1][reflection]": "What I learned",
        }
    )
    response = await client.post(
        applications_path(badge),
        content=content,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 201, response.text
    application = response.json()["application"]
    assert application["evidence"] == EXPECTED
    assert application["assignedTo"] == "reviewer@example.org"
    assert application["assignedExpiration"] == "2030-01-01T00:00:00.000Z"


async def test_submit_multipart_with_an_uploaded_image(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, badge: str
) -> None:
    image = png_bytes(0, 128, 255)
    response = await client.post(
        applications_path(badge),
        data={
            "learner": "earner@example.org",
            "evidence[0][url]": "https://example.org/work",
            "evidence[0][mediaType]": "link",
            "evidence[0][reflection]": "My website",
            "evidence[1][reflection]": "A photo of my work",
        },
        files={"evidence[1][file]": ("work.png", image, "image/png")},
    )
    assert response.status_code == 201, response.text
    evidence = response.json()["application"]["evidence"]
    assert evidence[0] == EXPECTED[0]
    uploaded = evidence[1]
    assert uploaded["mediaType"] == "image"
    assert uploaded["reflection"] == "A photo of my work"
    assert uploaded["url"].startswith("http://badges.test/public/images/")
    served = await anon.get(uploaded["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.content == image


async def test_an_uploaded_image_is_removed_with_its_evidence(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, badge: str
) -> None:
    response = await client.post(
        applications_path(badge),
        data={"learner": "earner@example.org"},
        files={"evidence[0][file]": ("work.png", png_bytes(), "image/png")},
    )
    application = response.json()["application"]
    image_url = application["evidence"][0]["url"]
    path = application_path(badge, application["slug"])
    replaced = await client.put(path, json={"evidence": [{"reflection": "Words instead"}]})
    assert replaced.json()["application"]["evidence"] == [
        {"url": None, "mediaType": None, "reflection": "Words instead"}
    ]
    assert (await anon.get(image_url)).status_code == 404

    again = await client.post(
        applications_path(badge),
        data={"learner": "earner@example.org"},
        files={"evidence[0][file]": ("work.png", png_bytes(), "image/png")},
    )
    second_url = again.json()["application"]["evidence"][0]["url"]
    await client.delete(application_path(badge, again.json()["application"]["slug"]))
    assert (await anon.get(second_url)).status_code == 404


async def test_update_without_evidence_keeps_it(client: httpx.AsyncClient, badge: str) -> None:
    submitted = await create_application(
        client, badge, evidence=[{"url": "https://example.org/a", "mediaType": "link"}]
    )
    path = application_path(badge, submitted["slug"])
    response = await client.put(path, json={"processed": 1399379085})
    assert response.json()["application"]["evidence"] == submitted["evidence"]
    form = await client.put(path, data={"assignedTo": "reviewer@example.org"})
    assert form.json()["application"]["evidence"] == submitted["evidence"]


@pytest.mark.parametrize(
    "clearing",
    [
        {"json": {"evidence": []}},
        {"json": {"evidence": None}},
        {"data": {"evidence": ""}},
    ],
)
async def test_update_with_empty_evidence_clears_it(
    client: httpx.AsyncClient, badge: str, clearing: dict[str, Any]
) -> None:
    submitted = await create_application(client, badge, evidence=[{"reflection": "r"}])
    response = await client.put(application_path(badge, submitted["slug"]), **clearing)
    assert response.status_code == 200, response.text
    assert response.json()["application"]["evidence"] == []


async def test_update_replaces_evidence_from_a_form(client: httpx.AsyncClient, badge: str) -> None:
    submitted = await create_application(client, badge, evidence=[{"reflection": "old"}])
    response = await client.put(
        application_path(badge, submitted["slug"]),
        data={"evidence[0][url]": "https://example.org/new", "evidence[0][mediaType]": "image"},
    )
    assert response.json()["application"]["evidence"] == [
        {"url": "https://example.org/new", "mediaType": "image", "reflection": None}
    ]


async def test_evidence_keeps_the_order_it_was_given_in(
    client: httpx.AsyncClient, badge: str
) -> None:
    items = [{"reflection": f"item {number}"} for number in range(12)]
    submitted = await create_application(client, badge, evidence=items)
    assert [item["reflection"] for item in submitted["evidence"]] == [
        f"item {number}" for number in range(12)
    ]


async def test_the_evidence_limit_is_enforced(client: httpx.AsyncClient, badge: str) -> None:
    at_limit = [{"reflection": f"r{number}"} for number in range(50)]
    await create_application(client, badge, evidence=at_limit)
    response = await client.post(
        applications_path(badge),
        json={"learner": "earner@example.org", "evidence": [*at_limit, {"reflection": "one more"}]},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "ValidationError",
        "message": "Could not validate required fields",
        "details": [
            {
                "field": "evidence",
                "value": 51,
                "message": "At most 50 evidence items are accepted",
            }
        ],
    }
    assert len(await listed(client, badge)) == 1


@pytest.mark.parametrize(
    ("evidence", "field"),
    [
        ([{"url": "https://example.org", "mediaType": "video"}], "evidence.0.mediaType"),
        ([{"url": "not a url", "mediaType": "link"}], "evidence.0.url"),
        ([{"url": "ftp://example.org/file", "mediaType": "link"}], "evidence.0.url"),
        ([{"reflection": "x" * 10_001}], "evidence.0.reflection"),
        ([{}], "evidence.0"),
        ([{"mediaType": "link"}], "evidence.0"),
        (["https://example.org"], "evidence.0"),
        ("https://example.org", "evidence"),
        ({"url": "https://example.org"}, "evidence"),
        (42, "evidence"),
        ([{"file": "aGVsbG8="}], "evidence.0.file"),
    ],
)
async def test_malformed_evidence_is_a_400_that_writes_nothing(
    client: httpx.AsyncClient, badge: str, evidence: Any, field: str
) -> None:
    response = await client.post(
        applications_path(badge), json={"learner": "earner@example.org", "evidence": evidence}
    )
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "ValidationError"
    assert body["message"] == "Could not validate required fields"
    assert [detail["field"] for detail in body["details"]] == [field]
    assert all(detail["message"] for detail in body["details"])
    assert await listed(client, badge) == []


@pytest.mark.parametrize(
    ("fields", "file", "field"),
    [
        ({}, ("notes.txt", b"plain words, not an image", "text/plain"), "evidence.0.file"),
        ({"evidence[0][url]": "https://example.org/x"}, ("a.png", png_bytes(), None), "evidence.0"),
        ({"evidence[0][mediaType]": "link"}, ("a.png", png_bytes(), None), "evidence.0"),
        ({}, ("empty.png", b"", "image/png"), "evidence.0.file"),
    ],
)
async def test_bad_uploads_are_a_400_that_writes_nothing(
    client: httpx.AsyncClient,
    badge: str,
    fields: dict[str, str],
    file: tuple[str, bytes, str | None],
    field: str,
) -> None:
    response = await client.post(
        applications_path(badge),
        data={"learner": "earner@example.org", **fields},
        files={"evidence[0][file]": file},
    )
    assert response.status_code == 400, response.text
    assert [detail["field"] for detail in response.json()["details"]] == [field]
    assert await listed(client, badge) == []


async def test_a_file_given_as_the_url_is_refused_with_a_hint(
    client: httpx.AsyncClient, badge: str
) -> None:
    response = await client.post(
        applications_path(badge),
        data={"learner": "earner@example.org"},
        files={"evidence[0][url]": ("a.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 400
    [detail] = response.json()["details"]
    assert detail["field"] == "evidence.0.url"
    assert "evidence[N][file]" in detail["message"]


async def test_a_bad_evidence_update_leaves_the_application_unchanged(
    client: httpx.AsyncClient, badge: str
) -> None:
    submitted = await create_application(client, badge, evidence=[{"reflection": "kept"}])
    path = application_path(badge, submitted["slug"])
    response = await client.put(
        path,
        json={"processed": 1399379085, "evidence": [{"url": "nope", "mediaType": "link"}]},
    )
    assert response.status_code == 400
    assert (await client.get(path)).json() == {"application": submitted}
