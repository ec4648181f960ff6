"""Request verification: the BadgeKit JWT on every non-public request."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from badgekit_api import signing
from badgekit_api.database import SessionDep
from badgekit_api.errors import NotAuthorized, PayloadTooLarge
from badgekit_api.models import Consumer

MASTER_KEY = "master"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True, slots=True)
class Caller:
    """Who signed the request: the master key, or a consumer bound to one system."""

    key: str
    system_slug: str | None = None

    @property
    def is_master(self) -> bool:
        return self.system_slug is None


async def read_body(request: Request) -> bytes:
    """The raw request body, refused early when it is larger than the configured limit."""
    limit: int = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"Request body is larger than {limit} bytes")
    body = await request.body()
    if len(body) > limit:
        raise PayloadTooLarge(f"Request body is larger than {limit} bytes")
    return body


def signed_path(request: Request) -> set[str]:
    """The path (with query string) a client may have signed: raw or percent-decoded."""
    raw = request.scope.get("raw_path")
    paths = {request.url.path}
    if raw:
        paths.add(raw.decode("latin-1"))
    query = request.scope.get("query_string", b"").decode("latin-1")
    if query:
        return {f"{path}?{query}" for path in paths}
    return paths


async def verify_request(request: Request, session: SessionDep) -> Caller:
    """Verify the `Authorization: JWT token="..."` header; every failure is a 403."""
    header = request.headers.get("authorization")
    if not header:
        raise NotAuthorized("Missing Authorization header")
    token = signing.token_from_header(header)
    if token is None:
        raise NotAuthorized('Authorization header must have the form: JWT token="<jwt>"')
    try:
        jwt_header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise NotAuthorized("Token is not a valid JWT") from None
    if jwt_header.get("alg") != signing.ALGORITHM:
        raise NotAuthorized("Token must be signed with HS256")
    key = unverified.get("key")
    if not isinstance(key, str) or not key:
        raise NotAuthorized("Token has no `key` claim")

    caller, secret = await _secret_for(key, request, session)
    try:
        claims = signing.verify(token, secret)
    except jwt.ExpiredSignatureError:
        raise NotAuthorized("Token has expired") from None
    except jwt.PyJWTError:
        raise NotAuthorized("Token signature is invalid") from None

    _check_method(claims, request)
    _check_path(claims, request)
    await _check_body(claims, request)
    if caller.system_slug is not None and request.path_params.get("system_slug") != (
        caller.system_slug
    ):
        raise NotAuthorized("Key is not valid for this system")
    return caller


async def _secret_for(key: str, request: Request, session: Any) -> tuple[Caller, str]:
    if key == MASTER_KEY:
        secret = request.app.state.settings.master_secret
        if not secret:
            raise NotAuthorized("Master key is not configured on this server")
        return Caller(key=key), secret
    consumer = await session.scalar(
        select(Consumer)
        .options(joinedload(Consumer.system))
        .where(Consumer.key == key, Consumer.revoked_at.is_(None))
    )
    if consumer is None:
        raise NotAuthorized("Unknown key")
    return Caller(key=key, system_slug=consumer.system.slug), consumer.secret


def _check_method(claims: dict[str, Any], request: Request) -> None:
    method = claims.get("method")
    if not isinstance(method, str) or method.upper() != request.method:
        raise NotAuthorized("Token `method` does not match the request method")


def _check_path(claims: dict[str, Any], request: Request) -> None:
    path = claims.get("path")
    if not isinstance(path, str) or path not in signed_path(request):
        raise NotAuthorized("Token `path` does not match the request path and query")


async def _check_body(claims: dict[str, Any], request: Request) -> None:
    claim = claims.get("body")
    if claim is None:
        if request.method in BODY_METHODS:
            raise NotAuthorized("Token has no `body` claim, required on POST and PUT")
        if await read_body(request):
            raise NotAuthorized("Token has no `body` claim for a request with a body")
        return
    if not isinstance(claim, dict) or str(claim.get("alg", "")).lower() != "sha256":
        raise NotAuthorized("Token `body` claim must be {alg: sha256, hash}")
    expected = signing.body_hash(await read_body(request))["hash"]
    given = claim.get("hash")
    if not isinstance(given, str) or not hmac.compare_digest(given.lower(), expected):
        raise NotAuthorized("Token `body` hash does not match the request body")


CallerDep = Annotated[Caller, Depends(verify_request)]
