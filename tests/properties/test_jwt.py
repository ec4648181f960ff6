"""Properties of the request check (`auth.verify_request`), through the real application.

A token is accepted exactly when it is HS256 with the key's secret and its `method`,
`path` (with the query string) and `body` hash match the request as sent; anything else,
junk included, is a clean 403 `NotAuthorized`.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badgekit_api.security.signing import body_hash
from tests.support import TEST_SECRET

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# No NUL: the URL check answers 400 before the token is looked at (test_nul_guard.py).
query_values = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12
)
queries = st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), query_values, max_size=3)
bodies = st.binary(max_size=200)


def _path(query: dict[str, str]) -> str:
    # `page` and `count` would paginate; any other parameter is ignored by the listing.
    query = {f"x{name}": value for name, value in query.items()}
    return "/systems" + (f"?{urlencode(query)}" if query else "")


def _claims(method: str, path: str, body: bytes | None) -> dict[str, Any]:
    claims: dict[str, Any] = {"key": "master", "method": method, "path": path}
    if body is not None:
        claims["body"] = body_hash(body)
    return claims


def _encode(claims: dict[str, Any], secret: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT warns about short HS384/HS512 keys
        return jwt.encode(claims, secret, algorithm=algorithm)


async def _send(
    anon: httpx.AsyncClient, method: str, path: str, body: bytes, token: str
) -> httpx.Response:
    headers = {"Authorization": f'JWT token="{token}"'}
    return await anon.request(method, path, content=body, headers=headers)


def _refused(response: httpx.Response) -> bool:
    return response.status_code == 403 and response.json()["code"] == "NotAuthorized"


@PROPERTY_SETTINGS
@given(query=queries, body=bodies, claim_body=st.booleans())
async def test_a_token_signed_for_the_request_is_accepted(
    anon: httpx.AsyncClient, query: dict[str, str], body: bytes, claim_body: bool
) -> None:
    path = _path(query)
    # Without a body, the `body` claim is optional on GET.
    claimed = body if claim_body or body else None
    response = await _send(anon, "GET", path, body, _encode(_claims("GET", path, claimed)))
    assert response.status_code == 200, response.text


@PROPERTY_SETTINGS
@given(body=bodies)
async def test_a_signed_post_is_never_refused_for_its_token(
    anon: httpx.AsyncClient, body: bytes
) -> None:
    token = _encode(_claims("POST", "/systems", body))
    response = await _send(anon, "POST", "/systems", body, token)
    assert response.status_code != 403 and response.status_code < 500, response.text


def _without(claims: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in claims.items() if key != name}


def _other_query(path: str) -> str:
    return f"{path}&y=1" if "?" in path else f"{path}?y=1"


def _other_hash(claims: dict[str, Any]) -> dict[str, Any]:
    return {"alg": "sha256", "hash": hashlib.sha256(b"not " + claims["path"].encode()).hexdigest()}


MUTATIONS: dict[str, Any] = {
    "method": lambda claims: {**claims, "method": "DELETE"},
    "path": lambda claims: {**claims, "path": claims["path"].replace("/systems", "/systems/x")},
    "query": lambda claims: {**claims, "path": _other_query(claims["path"])},
    "key": lambda claims: {**claims, "key": "not-a-key"},
    "body hash": lambda claims: {**claims, "body": _other_hash(claims)},
    "body alg": lambda claims: {**claims, "body": {**claims["body"], "alg": "md5"}},
    "no body claim": lambda claims: _without(claims, "body"),
    "no method": lambda claims: _without(claims, "method"),
    "no path": lambda claims: _without(claims, "path"),
    "no key": lambda claims: _without(claims, "key"),
    "expired": lambda claims: {**claims, "exp": 1},
}


@PROPERTY_SETTINGS
@given(
    query=queries,
    body=st.binary(min_size=1, max_size=200),
    mutation=st.sampled_from(sorted(MUTATIONS)),
)
async def test_changing_any_claim_refuses_the_token(
    anon: httpx.AsyncClient, query: dict[str, str], body: bytes, mutation: str
) -> None:
    path = _path(query)
    claims = MUTATIONS[mutation](_claims("GET", path, body))
    response = await _send(anon, "GET", path, body, _encode(claims))
    assert _refused(response), (mutation, response.text)


@PROPERTY_SETTINGS
@given(query=queries, body=st.binary(min_size=1, max_size=200), other=st.binary(max_size=200))
async def test_a_token_for_another_body_is_refused(
    anon: httpx.AsyncClient, query: dict[str, str], body: bytes, other: bytes
) -> None:
    path = _path(query)
    token = _encode(_claims("GET", path, body))
    sent = body + other if other else body[:-1]
    response = await _send(anon, "GET", path, sent, token)
    assert _refused(response), response.text


@PROPERTY_SETTINGS
@given(
    secret=st.text(min_size=1, max_size=64).filter(lambda secret: secret != TEST_SECRET),
    algorithm=st.sampled_from(["HS256", "HS384", "HS512"]),
    query=queries,
)
async def test_a_token_not_hs256_with_the_secret_is_refused(
    anon: httpx.AsyncClient, secret: str, algorithm: str, query: dict[str, str]
) -> None:
    path = _path(query)
    claims = _claims("GET", path, None)
    tokens = [_encode(claims, secret=secret, algorithm=algorithm)]
    if algorithm != "HS256":
        tokens.append(_encode(claims, algorithm=algorithm))  # right secret, wrong algorithm
    for token in tokens:
        response = await _send(anon, "GET", path, b"", token)
        assert _refused(response), (algorithm, response.text)


@PROPERTY_SETTINGS
@given(header=st.text(max_size=300))
async def test_any_junk_authorization_is_a_clean_403(anon: httpx.AsyncClient, header: str) -> None:
    # Header values are bytes on the wire: send the UTF-8 of the text, without line breaks.
    raw = header.encode("utf-8").translate(None, b"\r\n\x00")
    for value in (raw, b'JWT token="' + raw + b'"'):
        response = await anon.get("/systems", headers={"Authorization": value})
        assert _refused(response), (value, response.text)
