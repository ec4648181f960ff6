"""Request bodies: form keys unflattened into nested data, and one model fed by three encodings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from badgekit_api.config import Settings
from badgekit_api.errors import ValidationFailed
from badgekit_api.fields import Url
from badgekit_api.http.body import Body, unflatten
from badgekit_api.main import create_app


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([("slug", "a"), ("name", "A")], {"slug": "a", "name": "A"}),
        ([("tags[]", "x"), ("tags[]", "y")], {"tags": ["x", "y"]}),
        ([("tags[]", "only")], {"tags": ["only"]}),
        ([("email", "a@x.org"), ("email", "b@x.org")], {"email": ["a@x.org", "b@x.org"]}),
        (
            [
                ("evidence[0][url]", "https://a.example.org"),
                ("evidence[0][reflection]", "First"),
                ("evidence[1][url]", "https://b.example.org"),
            ],
            {
                "evidence": [
                    {"url": "https://a.example.org", "reflection": "First"},
                    {"url": "https://b.example.org"},
                ]
            },
        ),
        (
            [("criteria[10][description]", "ten"), ("criteria[2][description]", "two")],
            {"criteria": [{"description": "two"}, {"description": "ten"}]},
        ),
        ([("a[b][c]", "1"), ("a[b][d]", "2")], {"a": {"b": {"c": "1", "d": "2"}}}),
        ([("a[0]", "x"), ("a[key]", "y")], {"a": {"0": "x", "key": "y"}}),
        ([("a[1000]", "x")], {"a": {"1000": "x"}}),
        ([("items[0][tags][]", "p"), ("items[0][tags][]", "q")], {"items": [{"tags": ["p", "q"]}]}),
        ([], {}),
    ],
    ids=[
        "flat",
        "tags[] twice",
        "tags[] once",
        "repeated plain key",
        "evidence[0][url]",
        "indexes sorted as numbers",
        "nested objects",
        "mixed keys stay an object",
        "huge index stays an object",
        "list inside list item",
        "empty",
    ],
)
def test_unflatten(items: list[tuple[str, Any]], expected: dict[str, Any]) -> None:
    assert unflatten(items) == expected


@pytest.mark.parametrize(
    "items",
    [
        [("a", "1"), ("a[b]", "2")],
        [("a[b]", "2"), ("a", "1")],
        [("[a]", "1")],
        [("a[][b]", "1")],
    ],
    ids=["value then object", "object then value", "no name", "empty inner key"],
)
def test_unflatten_refuses_contradictory_or_nameless_keys(items: list[tuple[str, Any]]) -> None:
    with pytest.raises(ValidationFailed) as raised:
        unflatten(items)
    assert raised.value.status_code == 400
    assert raised.value.body()["code"] == "ValidationError"


def test_unflatten_keeps_uploaded_files() -> None:
    upload = UploadFile(file=None, filename="a.png")  # type: ignore[arg-type]
    assert unflatten([("image", upload)]) == {"image": upload}


class Evidence(BaseModel):
    url: Url
    reflection: str | None = None


class Submission(BaseModel):
    learner: str
    tags: list[str] = []
    evidence: list[Evidence] = []


@pytest.fixture(scope="module")
async def echo_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """A fresh app with one unsigned route that echoes what `Body()` parsed."""
    app = create_app(settings)

    @app.post("/test-only/echo")
    async def echo(data: Submission = Body(Submission)) -> dict[str, Any]:
        return data.model_dump()

    yield app
    await app.state.engine.dispose()


@pytest.fixture
async def echo(echo_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=echo_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://badges.test") as client:
        yield client


EXPECTED = {
    "learner": "ana@example.org",
    "tags": ["art", "code"],
    "evidence": [
        {"url": "https://a.example.org", "reflection": "Größte Freude"},
        {"url": "https://b.example.org", "reflection": None},
    ],
}
FORM = {
    "learner": "ana@example.org",
    "tags[]": ["art", "code"],
    "evidence[0][url]": "https://a.example.org",
    "evidence[0][reflection]": "Größte Freude",
    "evidence[1][url]": "https://b.example.org",
}


async def test_json_body(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/test-only/echo", json=EXPECTED)
    assert response.status_code == 200
    assert response.json() == EXPECTED


async def test_urlencoded_body_with_nested_keys(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/test-only/echo", data=FORM)
    assert response.status_code == 200, response.text
    assert response.json() == EXPECTED


async def test_multipart_body_with_nested_keys(echo: httpx.AsyncClient) -> None:
    response = await echo.post(
        "/test-only/echo", data=FORM, files={"attachment": ("a.txt", b"ignored", "text/plain")}
    )
    assert response.status_code == 200, response.text
    assert response.json() == EXPECTED


async def test_a_nested_error_names_the_full_field_path(echo: httpx.AsyncClient) -> None:
    response = await echo.post(
        "/test-only/echo",
        data={"learner": "ana@example.org", "evidence[0][url]": "not a url"},
    )
    assert response.status_code == 400
    assert response.json()["details"] == [
        {
            "field": "evidence.0.url",
            "value": "not a url",
            "message": "Must be a fully qualified http(s) URL, e.g. https://www.example.org",
        }
    ]


async def test_a_json_body_without_content_type_is_read_as_json(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/test-only/echo", content=b'{"learner": "ana@example.org"}')
    assert response.status_code == 200
    assert response.json()["learner"] == "ana@example.org"


async def test_a_broken_multipart_body_is_a_400(echo: httpx.AsyncClient) -> None:
    response = await echo.post(
        "/test-only/echo",
        content=b"--nope\r\nthis is not multipart",
        headers={"content-type": "multipart/form-data; boundary=other"},
    )
    assert response.status_code == 400
    assert response.json()["details"] == [
        {"field": "body", "value": None, "message": "Malformed form body"}
    ]
