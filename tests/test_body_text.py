"""Text in every body encoding is UTF-8, strictly (issue 15, defect 6).

JSON bodies that were not UTF-8 were already refused; an urlencoded form stored `%FF` as
U+FFFD and raw bytes as Latin-1 mojibake, and a multipart text field that did not decode
was stored as Latin-1. Now each is a 400 `ValidationError` naming the field, the same in
every encoding, and nothing is written. Uploaded files stay bytes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_from_bytes

import httpx
import orjson
import pytest

from badgekit_api.http.body_text import MAX_FORM_FIELDS, MESSAGE, urlencoded_items
from tests.factories.containers import create_tree
from tests.factories.images import png_bytes

BADGES = "/systems/chicago/badges"
BOUNDARY = b"badgekit-test-boundary"
FIELDS = {
    "name": b"Python Basics",
    "earnerDescription": b"Write a program.",
    "consumerDescription": b"Wrote a program.",
    "criteriaUrl": b"https://library.example.org/criteria",
    "type": b"skill",
    "unique": b"false",
    "imageUrl": b"https://cdn.example.org/python.png",
}
INVALID = {
    "a Latin-1 byte": b"Gr\xf6\xdfte",
    "a stray continuation byte": b"caf\x80",
    "an overlong slash": b"a\xc0\xafb",
    "an encoded surrogate": b"a\xed\xa0\x80b",
    "a code point past U+10FFFF": b"a\xf4\x90\x80\x80b",
    "a cut-off sequence": b"abc\xe2\x82",
}


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


def urlencoded(fields: dict[str, bytes], *, raw: bool = False) -> tuple[bytes, dict[str, str]]:
    """The fields as a form body, each value percent-encoded (or as raw bytes)."""
    pairs = [
        name.encode() + b"=" + (value if raw else quote_from_bytes(value).encode())
        for name, value in fields.items()
    ]
    return b"&".join(pairs), {"content-type": "application/x-www-form-urlencoded"}


def multipart(
    fields: dict[bytes, bytes], charset: str | None = None
) -> tuple[bytes, dict[str, str]]:
    """The fields as a multipart body, names and values as the bytes given."""
    parts = [
        b"--"
        + BOUNDARY
        + b'\r\nContent-Disposition: form-data; name="'
        + name
        + b'"\r\n\r\n'
        + value
        + b"\r\n"
        for name, value in fields.items()
    ]
    content_type = f"multipart/form-data; boundary={BOUNDARY.decode()}"
    if charset:
        content_type += f"; charset={charset}"
    return b"".join(parts) + b"--" + BOUNDARY + b"--\r\n", {"content-type": content_type}


def json_body(fields: dict[str, bytes]) -> tuple[bytes, dict[str, str]]:
    """The fields as a JSON object, each value's bytes inside its string as they are."""
    members = [f'"{name}": "'.encode() + value + b'"' for name, value in fields.items()]
    return b"{" + b", ".join(members) + b"}", {"content-type": "application/json"}


def encoded(encoding: str, fields: dict[str, bytes]) -> tuple[bytes, dict[str, str]]:
    if encoding == "urlencoded":
        return urlencoded(fields)
    if encoding == "raw urlencoded":
        return urlencoded(fields, raw=True)
    if encoding == "multipart":
        return multipart({name.encode(): value for name, value in fields.items()})
    return json_body(fields)


def refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {
        "code": "ValidationError",
        "message": "Could not validate required fields",
        "details": [{"field": field, "value": None, "message": MESSAGE}],
    }


async def no_badges(client: httpx.AsyncClient) -> None:
    assert (await client.get(BADGES)).json()["badges"] == []


ENCODINGS = ["urlencoded", "raw urlencoded", "multipart", "json"]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("sequence", list(INVALID.values()), ids=list(INVALID))
async def test_invalid_utf8_in_a_field_is_a_400_naming_it_and_creates_nothing(
    client: httpx.AsyncClient, encoding: str, sequence: bytes
) -> None:
    content, headers = encoded(encoding, {**FIELDS, "earnerDescription": sequence})
    response = await client.post(BADGES, content=content, headers=headers)
    refused(response, "earnerDescription")
    await no_badges(client)


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_a_field_name_that_is_not_utf8_is_a_400_naming_it(
    client: httpx.AsyncClient, encoding: str
) -> None:
    if encoding == "multipart":
        content, headers = multipart(
            {**{name.encode(): value for name, value in FIELDS.items()}, b"na\xffme": b"x"}
        )
    elif encoding == "json":
        content, headers = json_body(FIELDS)
        content = content[:-1] + b', "na\xffme": "x"}'
    else:
        content, headers = urlencoded(FIELDS)
        content += b"&na%FFme=x" if encoding == "urlencoded" else b"&na\xffme=x"
    refused(await client.post(BADGES, content=content, headers=headers), "na\ufffdme")
    await no_badges(client)


async def test_a_nested_json_field_is_named_by_its_path(client: httpx.AsyncClient) -> None:
    body = orjson.dumps({**{k: v.decode() for k, v in FIELDS.items()}, "criteria": [{}, {}]})
    content = body.replace(b"{}]", b'{"description": "\xff"}]')
    response = await client.post(BADGES, content=content)
    refused(response, "criteria.1.description")
    await no_badges(client)


async def test_an_invalid_byte_outside_any_string_names_the_body(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(BADGES, content=b'{"name": 1\xff}')
    refused(response, "body")


async def test_a_deep_json_body_with_an_invalid_byte_is_a_400_not_a_500(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(BADGES, content=b"[" * 100_000 + b'"\xff"' + b"]" * 100_000)
    refused(response, "body")


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_utf8_text_is_stored_as_sent_in_every_encoding(
    client: httpx.AsyncClient, encoding: str
) -> None:
    # Raw UTF-8 bytes in an urlencoded body were read as Latin-1: `Größte` became `GrÃ¶ÃŸte`.
    name = "Größte Freude 🎉"
    content, headers = encoded(encoding, {**FIELDS, "name": name.encode()})
    response = await client.post(BADGES, content=content, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["badge"]["name"] == name


async def test_a_multipart_body_may_declare_another_charset(client: httpx.AsyncClient) -> None:
    fields = {name.encode(): value for name, value in FIELDS.items()}
    content, headers = multipart({**fields, b"name": b"Gr\xf6\xdfte"}, charset="iso-8859-1")
    response = await client.post(BADGES, content=content, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["badge"]["name"] == "Größte"


async def test_an_uploaded_image_stays_bytes(client: httpx.AsyncClient) -> None:
    image = png_bytes()
    data = {name: value.decode() for name, value in FIELDS.items() if name != "imageUrl"}
    response = await client.post(BADGES, data=data, files={"image": ("p.png", image, "image/png")})
    assert response.status_code == 201, response.text
    stored = await client.get(response.json()["badge"]["imageUrl"])
    assert stored.content == image


async def test_an_invalid_earner_email_in_a_form_awards_nothing(
    client: httpx.AsyncClient,
) -> None:
    content, headers = urlencoded(FIELDS)
    assert (await client.post(BADGES, content=content, headers=headers)).status_code == 201
    instances = f"{BADGES}/python-basics/instances"
    content, headers = urlencoded({"email": b"ana\xff@example.org"})
    refused(await client.post(instances, content=content, headers=headers), "email")
    assert (await client.get(instances)).json()["instances"] == []


@pytest.mark.parametrize(
    ("body", "items"),
    [
        (b"a=1&b=2", [("a", "1"), ("b", "2")]),
        (b"a=1&&b=2&", [("a", "1"), ("b", "2")]),
        (b"a&b=", [("a", ""), ("b", "")]),
        (b"a=x=y", [("a", "x=y")]),
        (b"a+b=c+d%2B", [("a b", "c d+")]),
        (b"t%5B%5D=%C3%A9&t[]=\xc3\xa9", [("t[]", "é"), ("t[]", "é")]),
    ],
)
def test_urlencoded_fields_are_read_as_browsers_send_them(
    body: bytes, items: list[tuple[str, str]]
) -> None:
    assert urlencoded_items(body) == items


async def test_too_many_form_fields_is_a_400(client: httpx.AsyncClient) -> None:
    content = b"&".join(b"f%d=x" % n for n in range(MAX_FORM_FIELDS + 1))
    response = await client.post(
        BADGES, content=content, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400
    body: dict[str, Any] = response.json()
    assert body["details"][0]["field"] == "body"
