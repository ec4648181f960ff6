"""Properties of the body parsers (`body.parse_body`, `body.unflatten`, `body.validate`).

The same nested data sent as JSON, as an urlencoded form or as a multipart form parses to
the same dict; junk in any encoding, and junk data for any body model, ends in a BadgeKit
error (a clean 4xx), never in another exception.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
from fastapi import FastAPI, Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from badgekit_api.config import Settings
from badgekit_api.errors import BadgeKitError, ValidationFailed
from badgekit_api.http.body import BodyDependency, parse_body, unflatten, validate
from badgekit_api.http.openapi.routes import api_routes
from badgekit_api.main import create_app
from tests.support import TEST_SECRET

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SETTINGS = Settings(database_url="sqlite+aiosqlite:///:memory:", master_secret=TEST_SECRET)
HOST = FastAPI()  # what `request.app` is for the parser: only its settings are read
HOST.state.settings = SETTINGS

# Form field names: no brackets, and never all digits (those become list indexes).
names = st.from_regex(r"[a-z][a-zA-Z_]{0,7}", fullmatch=True)
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
nested = st.recursive(
    texts,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=4),
        st.dictionaries(names, children, min_size=1, max_size=4),
    ),
    max_leaves=12,
)
documents = st.dictionaries(names, nested, max_size=5)


def _form_items(node: Any, name: str, index_strings: bool) -> Iterator[tuple[str, str]]:
    """Form fields for `node`: `a[b]` for objects, `a[0]` or `a[]` for lists."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _form_items(value, f"{name}[{key}]", index_strings)
    elif isinstance(node, list):
        if not index_strings and all(isinstance(item, str) for item in node):
            yield from ((f"{name}[]", item) for item in node)
        else:
            for index, item in enumerate(node):
                yield from _form_items(item, f"{name}[{index}]", index_strings)
    else:
        yield name, node


def form_items(document: dict[str, Any], index_strings: bool) -> list[tuple[str, str]]:
    return [
        item for key, value in document.items() for item in _form_items(value, key, index_strings)
    ]


def multipart(items: list[tuple[str, str]], boundary: str) -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in items
    ]
    return "".join(parts).encode() + f"--{boundary}--\r\n".encode()


def request(body: bytes, content_type: str | None) -> Request:
    headers = [(b"content-length", str(len(body)).encode())]
    if content_type is not None:
        headers.append((b"content-type", content_type.encode("latin-1")))
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "query_string": b"",
        "headers": headers,
        "app": HOST,
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


async def parsed(body: bytes, content_type: str | None) -> dict[str, Any]:
    return await parse_body(request(body, content_type))


@PROPERTY_SETTINGS
@given(document=documents, index_strings=st.booleans())
async def test_json_urlencoded_and_multipart_parse_to_the_same_data(
    document: dict[str, Any], index_strings: bool
) -> None:
    items = form_items(document, index_strings)
    boundary = secrets.token_hex(16)
    as_json = await parsed(orjson.dumps(document), "application/json")
    as_form = await parsed(urlencode(items).encode(), "application/x-www-form-urlencoded")
    as_multipart = await parsed(
        multipart(items, boundary), f"multipart/form-data; boundary={boundary}"
    )
    assert as_json == document
    assert as_form == document
    assert as_multipart == document


@PROPERTY_SETTINGS
@given(items=st.lists(st.tuples(st.text(max_size=20), texts), max_size=10))
def test_unflatten_of_any_field_names_is_a_dict_or_a_validation_error(
    items: list[tuple[str, str]],
) -> None:
    try:
        result = unflatten(items)
    except ValidationFailed:
        return
    assert isinstance(result, dict)


content_types = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "application/json",
            "text/plain",
            "application/ld+json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data; boundary=",
            "text/csv",
            "image/png",
        ]
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
junk_bodies = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda text: text.encode(), st.text(max_size=100)),
    st.sampled_from([b"--xyz\r\n", b"--xyz--\r\n", b"[]", b"null", b'"x"', b"{", b"a[=1&b]]=2"]),
)


@PROPERTY_SETTINGS
@given(body=junk_bodies, content_type=content_types)
async def test_any_body_in_any_encoding_is_a_dict_or_a_badgekit_error(
    body: bytes, content_type: str | None
) -> None:
    try:
        result = await parsed(body, content_type)
    except BadgeKitError as error:
        assert 400 <= error.status_code < 500
        return
    assert isinstance(result, dict)


def _body_models() -> list[type[BaseModel]]:
    """Every model a route of the application reads its body into."""
    found: dict[str, type[BaseModel]] = {}
    pending = [route.dependant for route in api_routes(create_app(SETTINGS).routes)]
    while pending:
        dependant = pending.pop()
        if isinstance(dependant.call, BodyDependency):
            found[dependant.call.model.__qualname__] = dependant.call.model
        pending.extend(dependant.dependencies)
    return [found[name] for name in sorted(found)]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=10,
)


@pytest.mark.parametrize("model", _body_models(), ids=lambda model: model.__qualname__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_junk_for_any_body_model_is_a_validation_error(model: type[BaseModel], data: Any) -> None:
    fields = list(model.model_fields)
    aliases = [field.alias or name for name, field in model.model_fields.items()]
    keys = st.sampled_from(fields + aliases) | texts
    junk = data.draw(st.dictionaries(keys, json_values, max_size=8))
    try:
        validate(model, junk)
    except ValidationFailed as error:
        # Every detail names the field, the value and the problem; a bulk award's addresses
        # also say which one of the list it was (`index`).
        assert error.details and all(
            {"field", "value", "message"} <= set(item) <= {"field", "value", "message", "index"}
            for item in error.details
        )
