"""Request verification: the BadgeKit JWT on every non-public request.

Every failed check is a 403 and counts against the client's failure limit; once the
client has used up that limit, a failed check is a 429 instead. A token that verifies is
served whatever the counters say, and never reads them: behind a proxy every client may
share one address, and one client's bad tokens must not shut the others out. The checks
read through the request's session, but write in short sessions of their own: a failure
must be counted (committed) although the request's transaction is rolled back, and a used
token id must stay used.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.config import Settings
from badgekit_api.consumers.service import by_key, valid_secrets
from badgekit_api.db.database import SessionDep
from badgekit_api.errors import NotAuthorized, PayloadTooLarge
from badgekit_api.models.base import utcnow
from badgekit_api.models.security import MAX_JTI_LENGTH
from badgekit_api.security import signing
from badgekit_api.security.ratelimit import FailureLimit
from badgekit_api.security.shared_state import SharedState

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


def client_address(request: Request) -> str:
    """The connection's address, or the one a proxy named in `FORWARDED_ALLOW_IPS` gave in
    `X-Forwarded-For` (uvicorn's proxy headers middleware puts it in the scope)."""
    return request.client.host if request.client else "unknown"


def auth_failure_limit(settings: Settings) -> FailureLimit:
    return FailureLimit(
        "auth",
        settings.auth_failures_per_minute,
        "Too many failed authorizations from this client",
    )


async def read_body(request: Request) -> bytes:
    """The raw request body, refused early when it is larger than the configured limit."""
    limit: int = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isascii() and declared.isdigit() and int(declared) > limit:
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
    """Verify the `Authorization: JWT token="..."` header; every failure is a 403, or a
    429 once the client has failed too often this minute."""
    settings: Settings = request.app.state.settings
    shared: SharedState = request.app.state.shared
    # Reads go through the request's session: a second one per request costs a connection
    # checkout and its round trips (and can exhaust the pool under load). Not on SQLite,
    # where a writing request's session holds the write lock from its first statement on,
    # and the checks must still write their own transactions.
    reader = None if settings.is_sqlite else session
    try:
        return await _verify(request, settings, shared, reader)
    except NotAuthorized:
        await _release(reader)
        await shared.limiter.count_failure((auth_failure_limit(settings), client_address(request)))
        raise


async def _verify(
    request: Request, settings: Settings, shared: SharedState, session: AsyncSession | None
) -> Caller:
    token = _token(request)
    try:
        # One parse for both: the key names the secret the signature is checked with.
        parsed = jwt.decode_complete(token, options={"verify_signature": False})
        jwt_header, unverified = parsed["header"], parsed["payload"]
    except jwt.PyJWTError:
        raise NotAuthorized("Token is not a valid JWT") from None
    if jwt_header.get("alg") != signing.ALGORITHM:
        raise NotAuthorized("Token must be signed with HS256")
    key = unverified.get("key")
    if not isinstance(key, str) or not key:
        raise NotAuthorized("Token has no `key` claim")

    caller, secrets = await _secrets_for(key, request, session)
    claims = _decode(token, secrets)
    exp = _check_lifetime(claims, settings)
    _check_method(claims, request)
    _check_path(claims, request)
    await _check_body(claims, request)
    if caller.system_slug is not None and request.path_params.get("system_slug") != (
        caller.system_slug
    ):
        raise NotAuthorized("Key is not valid for this system")
    if settings.replay_protection:
        # Last, so that a token refused for another reason does not use up its `jti`.
        assert exp is not None  # required by _check_lifetime when replay protection is on
        await _release(session)
        await _check_replay(claims, key, exp, shared)
    return caller


async def _release(session: AsyncSession | None) -> None:
    """Give the request's connection back before using one of our own: a flood of requests
    each holding one connection while waiting for a second would exhaust the pool. The
    request checks out a connection again if it goes on."""
    if session is not None:
        await session.rollback()


def _token(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise NotAuthorized("Missing Authorization header")
    token = signing.token_from_header(header)
    if token is None:
        raise NotAuthorized('Authorization header must have the form: JWT token="<jwt>"')
    return token


async def _secrets_for(
    key: str, request: Request, session: AsyncSession | None
) -> tuple[Caller, list[str]]:
    if key == MASTER_KEY:
        secret = request.app.state.settings.master_secret
        if not secret:
            raise NotAuthorized("Master key is not configured on this server")
        return Caller(key=key), [secret]
    statement = by_key(key)
    if session is not None:
        consumer = await session.scalar(statement)
    else:
        async with request.app.state.session_factory() as own_session:
            consumer = await own_session.scalar(statement)
    secrets = valid_secrets(consumer, utcnow()) if consumer is not None else []
    if consumer is None or not secrets:
        raise NotAuthorized("Unknown or revoked key")
    return Caller(key=key, system_slug=consumer.system.slug), secrets


def _decode(token: str, secrets: list[str]) -> dict[str, Any]:
    """The verified claims, trying each secret the key has (two while it is rotated)."""
    for secret in secrets:
        try:
            return signing.verify(token, secret)
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError:
            raise NotAuthorized("Token has expired") from None
        except jwt.ImmatureSignatureError:
            raise NotAuthorized("Token is not valid yet (`iat` or `nbf` in the future)") from None
        except jwt.PyJWTError as exc:
            raise NotAuthorized(f"Token is invalid: {exc}") from None
    raise NotAuthorized("Token signature is invalid")


def _number(claims: dict[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise NotAuthorized(f"Token `{name}` must be a unix time") from None


def _check_lifetime(claims: dict[str, Any], settings: Settings) -> float | None:
    """`exp` when the token has one; refuse a missing one when required, or a long one."""
    exp = _number(claims, "exp")
    if exp is None:
        if settings.replay_protection:
            raise NotAuthorized("Token has no `exp` claim, required with replay protection")
        if settings.require_exp:
            raise NotAuthorized("Token has no `exp` claim, required by this server")
        return None
    longest = settings.max_token_lifetime_seconds
    if longest:
        if exp - time.time() > longest:
            raise NotAuthorized(f"Token `exp` is more than {longest} seconds away")
        iat = _number(claims, "iat")
        if iat is not None and exp - iat > longest:
            raise NotAuthorized(f"Token lifetime (`iat` to `exp`) is over {longest} seconds")
    return exp


async def _check_replay(claims: dict[str, Any], key: str, exp: float, shared: SharedState) -> None:
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH:
        raise NotAuthorized(
            f"Token has no `jti` claim (a unique id of at most {MAX_JTI_LENGTH} characters), "
            "required with replay protection"
        )
    if not await shared.seen_tokens.first_use(key, jti, exp):
        raise NotAuthorized("Token has been used before (its `jti` was seen)")


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


def require_master(caller: CallerDep) -> Caller:
    """Only the master key may go on (consumer key management, say)."""
    if not caller.is_master:
        raise NotAuthorized("Only the master key may do this")
    return caller


MasterDep = Annotated[Caller, Depends(require_master)]
