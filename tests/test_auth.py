"""The BadgeKit JWT on every non-public request (authorization.md).

Every failure is a 403 `{"code": "NotAuthorized", "message": ...}` that changes nothing.
"""

from __future__ import annotations

import base64
import json
import time
import warnings
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from badgekit_api.config import Settings
from badgekit_api.main import create_app
from badgekit_api.security.signing import body_hash, sign_request
from tests.factories.consumers import create_consumer
from tests.factories.containers import create_issuer, create_system
from tests.factories.images import png_bytes
from tests.support import TEST_SECRET, make_client

NEW_SYSTEM = {"slug": "newcity", "name": "New City", "url": "https://newcity.example.org"}
NEW_SYSTEM_JSON = json.dumps(NEW_SYSTEM).encode()


def token(claims: dict[str, Any], secret: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    with warnings.catch_warnings():
        # HS384/HS512 with the (HS256-sized) test secret: PyJWT warns, we want the token.
        warnings.simplefilter("ignore")
        return jwt.encode(claims, secret, algorithm=algorithm)


def header(raw_token: str) -> dict[str, str]:
    return {"Authorization": f'JWT token="{raw_token}"'}


def master_claims(
    method: str, path: str, body: bytes | None = None, **extra: Any
) -> dict[str, Any]:
    claims: dict[str, Any] = {"key": "master", "method": method, "path": path, **extra}
    if body is not None:
        claims["body"] = body_hash(body)
    return claims


def unsigned_token(claims: dict[str, Any]) -> str:
    """A token with `alg: none` and no signature, built by hand."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'typ': 'JWT', 'alg': 'none'})}.{part(claims)}."


def case(name: str, headers: dict[str, str]) -> Any:
    return pytest.param(headers, id=name)


def assert_not_authorized(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == "NotAuthorized"
    assert isinstance(body["message"], str) and body["message"]


async def system_slugs(client: httpx.AsyncClient) -> list[str]:
    response = await client.get("/systems")
    assert response.status_code == 200
    return [system["slug"] for system in response.json()["systems"]]


async def post_new_system(anon: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await anon.post(
        "/systems",
        content=NEW_SYSTEM_JSON,
        headers={"content-type": "application/json", **headers},
    )


# Failures on a read: nothing to change, but nothing may leak either.

READ_FAILURES = [
    case("no header", {}),
    case("empty header", {"Authorization": ""}),
    case("other scheme", {"Authorization": "Bearer abc.def.ghi"}),
    case("JWT without token", {"Authorization": "JWT"}),
    case("garbage token", header("not-a-jwt")),
    case("three garbage parts", header("abc.def.ghi")),
    case(
        "wrong secret",
        header(token(master_claims("GET", "/systems?page=1&count=1"), "another-secret" * 3)),
    ),
    case("alg none", header(unsigned_token(master_claims("GET", "/systems?page=1&count=1")))),
    case(
        "HS384", header(token(master_claims("GET", "/systems?page=1&count=1"), algorithm="HS384"))
    ),
    case(
        "HS512", header(token(master_claims("GET", "/systems?page=1&count=1"), algorithm="HS512"))
    ),
    case("no key claim", header(token({"method": "GET", "path": "/systems?page=1&count=1"}))),
    case(
        "unknown key",
        header(token({**master_claims("GET", "/systems?page=1&count=1"), "key": "stranger"})),
    ),
    case("wrong method", header(token(master_claims("POST", "/systems?page=1&count=1")))),
    case("no method claim", header(token({"key": "master", "path": "/systems?page=1&count=1"}))),
    case("wrong path", header(token(master_claims("GET", "/systems/other")))),
    case("no path claim", header(token({"key": "master", "method": "GET"}))),
    case("path without its query", header(token(master_claims("GET", "/systems")))),
    case("other query", header(token(master_claims("GET", "/systems?page=2&count=1")))),
    case(
        "expired",
        header(token(master_claims("GET", "/systems?page=1&count=1", exp=int(time.time()) - 60))),
    ),
]


@pytest.mark.parametrize("headers", READ_FAILURES)
async def test_a_bad_token_on_a_read_is_a_403(
    anon: httpx.AsyncClient, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await create_system(client)
    # Each token would be good for this very request but for the one flaw its case names.
    response = await anon.get("/systems?page=1&count=1", headers=headers)
    assert_not_authorized(response)
    assert "chicago" not in response.text


async def test_an_unknown_system_is_not_revealed_before_authorization(
    anon: httpx.AsyncClient,
) -> None:
    assert_not_authorized(await anon.get("/systems/nowhere"))
    assert_not_authorized(await anon.get("/systems/nowhere/issuers/somebody/programs"))


# Failures on writes: each must leave the data as it was.


def write_failures() -> list[Any]:
    good_hash = body_hash(NEW_SYSTEM_JSON)
    return [
        case("no header", {}),
        case(
            "wrong secret",
            header(token(master_claims("POST", "/systems", NEW_SYSTEM_JSON), "x" * 40)),
        ),
        case(
            "alg none", header(unsigned_token(master_claims("POST", "/systems", NEW_SYSTEM_JSON)))
        ),
        case(
            "HS512",
            header(token(master_claims("POST", "/systems", NEW_SYSTEM_JSON), algorithm="HS512")),
        ),
        case("body claim missing", header(token(master_claims("POST", "/systems")))),
        case(
            "body tampered",
            header(
                token(master_claims("POST", "/systems", NEW_SYSTEM_JSON.replace(b"New", b"Old")))
            ),
        ),
        case(
            "body claim not sha256",
            header(
                token({**master_claims("POST", "/systems"), "body": {**good_hash, "alg": "md5"}})
            ),
        ),
        case(
            "body claim not an object",
            header(token({**master_claims("POST", "/systems"), "body": good_hash["hash"]})),
        ),
        case("wrong method", header(token(master_claims("PUT", "/systems", NEW_SYSTEM_JSON)))),
        case("wrong path", header(token(master_claims("POST", "/systems/", NEW_SYSTEM_JSON)))),
        case(
            "expired",
            header(
                token(master_claims("POST", "/systems", NEW_SYSTEM_JSON, exp=int(time.time()) - 1))
            ),
        ),
    ]


@pytest.mark.parametrize("headers", write_failures())
async def test_a_bad_token_on_a_create_is_a_403_and_creates_nothing(
    anon: httpx.AsyncClient, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    assert_not_authorized(await post_new_system(anon, headers))
    assert await system_slugs(client) == []


async def test_a_token_for_a_get_cannot_delete(
    anon: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    replayed = header(token(master_claims("GET", "/systems/chicago")))
    assert (await anon.get("/systems/chicago", headers=replayed)).status_code == 200
    assert_not_authorized(await anon.delete("/systems/chicago", headers=replayed))
    assert await system_slugs(client) == ["chicago"]


async def test_a_token_for_one_system_cannot_delete_another(
    anon: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await create_system(client, "chicago")
    await create_system(client, "pittsburgh")
    replayed = header(token(master_claims("DELETE", "/systems/chicago")))
    assert_not_authorized(await anon.delete("/systems/pittsburgh", headers=replayed))
    assert await system_slugs(client) == ["chicago", "pittsburgh"]


async def test_a_tampered_update_changes_nothing(
    anon: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    signed_body = b'{"name": "Fine"}'
    headers = {
        "content-type": "application/json",
        **header(token(master_claims("PUT", "/systems/chicago", signed_body))),
    }
    response = await anon.put("/systems/chicago", content=b'{"name": "Evil"}', headers=headers)
    assert_not_authorized(response)
    unsigned_update = header(token(master_claims("PUT", "/systems/chicago")))
    assert_not_authorized(
        await anon.put("/systems/chicago", json={"name": "Evil"}, headers=unsigned_update)
    )
    assert (await client.get("/systems/chicago")).json()["system"]["name"] == "System chicago"


async def test_a_body_on_a_delete_must_be_signed(
    anon: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await create_system(client)
    headers = header(token(master_claims("DELETE", "/systems/chicago")))
    response = await anon.request("DELETE", "/systems/chicago", content=b"{}", headers=headers)
    assert_not_authorized(response)
    assert await system_slugs(client) == ["chicago"]


async def test_without_a_master_secret_the_master_key_is_refused(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"master_secret": None}))
    async with make_client(app) as client:
        assert_not_authorized(await client.get("/systems"))
    await app.state.engine.dispose()


# Consumer keys: one system each.


async def test_a_consumer_key_works_on_its_own_system(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client, "chicago")
    key, secret = await create_consumer(app, "chicago")
    async with make_client(app, key=key, secret=secret) as consumer:
        assert (await consumer.get("/systems/chicago")).status_code == 200
        created = await consumer.post(
            "/systems/chicago/issuers",
            json={"slug": "library", "name": "Library", "url": "https://library.example.org"},
        )
        assert created.status_code == 201, created.text
        assert (await consumer.get("/systems/chicago/issuers/library/programs")).status_code == 200


async def test_a_consumer_key_cannot_touch_another_system(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client, "chicago")
    await create_system(client, "pittsburgh")
    await create_issuer(client, "pittsburgh", "museum")
    key, secret = await create_consumer(app, "chicago")
    async with make_client(app, key=key, secret=secret) as consumer:
        assert_not_authorized(await consumer.get("/systems/pittsburgh"))
        assert_not_authorized(await consumer.get("/systems/pittsburgh/issuers/museum"))
        assert_not_authorized(await consumer.delete("/systems/pittsburgh/issuers/museum"))
        assert_not_authorized(await consumer.put("/systems/pittsburgh", json={"name": "Mine"}))
        assert_not_authorized(await consumer.get("/systems/nowhere"))
    pittsburgh = (await client.get("/systems/pittsburgh")).json()["system"]
    assert pittsburgh["name"] == "System pittsburgh"
    assert [issuer["slug"] for issuer in pittsburgh["issuers"]] == ["museum"]


async def test_a_consumer_key_cannot_use_the_systems_collection(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client, "chicago")
    key, secret = await create_consumer(app, "chicago")
    async with make_client(app, key=key, secret=secret) as consumer:
        assert_not_authorized(await consumer.get("/systems"))
        assert_not_authorized(await consumer.post("/systems", json=NEW_SYSTEM))
    assert await system_slugs(client) == ["chicago"]


async def test_a_consumer_key_with_the_master_secret_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_system(client, "chicago")
    key, _secret = await create_consumer(app, "chicago")
    async with make_client(app, key=key, secret=TEST_SECRET) as consumer:
        assert_not_authorized(await consumer.get("/systems/chicago"))


# Successes.


async def test_the_master_key_is_accepted(anon: httpx.AsyncClient) -> None:
    headers = header(token(master_claims("POST", "/systems", NEW_SYSTEM_JSON)))
    assert (await post_new_system(anon, headers)).status_code == 201


async def test_a_token_with_a_future_exp_is_accepted(anon: httpx.AsyncClient) -> None:
    claims = master_claims("POST", "/systems", NEW_SYSTEM_JSON, exp=int(time.time()) + 60)
    assert (await post_new_system(anon, header(token(claims)))).status_code == 201


async def test_the_query_string_is_part_of_the_signed_path(anon: httpx.AsyncClient) -> None:
    path = "/systems?page=1&count=5"
    response = await anon.get(path, headers=header(token(master_claims("GET", path))))
    assert response.status_code == 200
    assert response.json() == {"systems": [], "pageData": {"page": 1, "count": 5, "total": 0}}


async def test_the_header_may_quote_the_token_or_not(anon: httpx.AsyncClient) -> None:
    raw = token(master_claims("GET", "/systems"))
    response = await anon.get("/systems", headers={"Authorization": f"JWT token={raw}"})
    assert response.status_code == 200


async def test_a_utf8_body_is_hashed_over_its_bytes(
    anon: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    body = '{"slug": "zurich", "name": "Zürich – Städte ✓", "url": "https://zürich.example.org"}'
    raw = body.encode()
    headers = {
        "content-type": "application/json; charset=utf-8",
        **header(token(master_claims("POST", "/systems", raw))),
    }
    response = await anon.post("/systems", content=raw, headers=headers)
    assert response.status_code == 201, response.text
    fetched = (await client.get("/systems/zurich")).json()["system"]
    assert fetched["name"] == "Zürich – Städte ✓"


async def test_an_empty_body_post_can_be_signed(anon: httpx.AsyncClient) -> None:
    headers = header(token(master_claims("POST", "/systems", b"")))
    response = await anon.post("/systems", headers=headers)
    # Authorized, then refused for what it lacks.
    assert response.status_code == 400
    assert response.json()["code"] == "ValidationError"
    assert {detail["field"] for detail in response.json()["details"]} == {"slug", "name", "url"}


async def test_an_empty_body_post_still_needs_the_body_claim(anon: httpx.AsyncClient) -> None:
    response = await anon.post("/systems", headers=header(token(master_claims("POST", "/systems"))))
    assert_not_authorized(response)


async def test_a_multipart_post_is_hashed_over_the_raw_multipart_bytes(
    anon: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    request = anon.build_request(
        "POST",
        "/systems",
        data=NEW_SYSTEM,
        files={"image": ("logo.png", png_bytes(), "image/png")},
    )
    raw = request.read()
    assert raw.startswith(b"--")  # really multipart
    request.headers["Authorization"] = sign_request(
        "POST", "/systems", raw, key="master", secret=TEST_SECRET
    )
    response = await anon.send(request)
    assert response.status_code == 201, response.text
    image_url = response.json()["system"]["imageUrl"]
    assert (await client.get(image_url)).content == png_bytes()
