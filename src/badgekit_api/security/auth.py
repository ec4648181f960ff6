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
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.config import Settings
from badgekit_api.errors import NotAuthorized, PayloadTooLarge
from badgekit_api.models.security import MAX_JTI_LENGTH
from badgekit_api.security import signing, tokens
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


async def token_and_key(request: Request, session: AsyncSession) -> tuple[tokens.Token, str]:
    """The request's token, read once, and the key it names, read without a statement (the
    key's secrets come with the request's start statement); a 403 (counted) if there is
    none."""
    try:
        return _token_and_key(request)
    except NotAuthorized:
        await _count_failure(request, session)
        raise


async def check_signed(
    request: Request,
    session: AsyncSession,
    token: tokens.Token,
    key: str,
    consumer: dict[str, Any] | None,
) -> Caller:
    """Verify the token against the key's secrets (the master secret, or the consumer's
    as the start statement found them: `{secret, previous, system}`), and the claims
    against the request; every failure is a 403, or a 429 once the client has failed too
    often this minute."""
    settings: Settings = request.app.state.settings
    try:
        caller, secrets = _secrets_for(key, settings, consumer)
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
            await _check_replay(claims, key, exp, request.app.state.shared)
    except NotAuthorized:
        await _count_failure(request, session)
        raise
    return caller


async def _count_failure(request: Request, session: AsyncSession) -> None:
    # The failure is counted in a short transaction of its own, which on SQLite needs the
    # write lock that this request's session may hold.
    await _release(session)
    shared: SharedState = request.app.state.shared
    limit = auth_failure_limit(request.app.state.settings)
    await shared.limiter.count_failure((limit, client_address(request)))


def _token_and_key(request: Request) -> tuple[tokens.Token, str]:
    try:
        # One parse for both: the key names the secret the signature is checked with.
        token = tokens.parse(_token(request))
    except tokens.TokenError:
        raise NotAuthorized("Token is not a valid JWT") from None
    if token.header.get("alg") != signing.ALGORITHM:
        raise NotAuthorized("Token must be signed with HS256")
    key = token.claims.get("key")
    if not isinstance(key, str) or not key:
        raise NotAuthorized("Token has no `key` claim")
    return token, key


async def _release(session: AsyncSession) -> None:
    """Give the request's connection back before using one of our own: a flood of requests
    each holding one connection while waiting for a second would exhaust the pool (and on
    SQLite, a writing request's session holds the write lock the other would wait for).
    The request checks out a connection again if it goes on."""
    await session.rollback()


def _token(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise NotAuthorized("Missing Authorization header")
    token = signing.token_from_header(header)
    if token is None:
        raise NotAuthorized('Authorization header must have the form: JWT token="<jwt>"')
    return token


def _secrets_for(
    key: str, settings: Settings, consumer: dict[str, Any] | None
) -> tuple[Caller, list[str]]:
    if key == MASTER_KEY:
        if not settings.master_secret:
            raise NotAuthorized("Master key is not configured on this server")
        return Caller(key=key), [settings.master_secret]
    secrets = [] if consumer is None else [consumer["secret"], consumer["previous"]]
    secrets = [secret for secret in secrets if secret]
    if consumer is None or not secrets:
        raise NotAuthorized("Unknown or revoked key")
    return Caller(key=key, system_slug=consumer["system"]), secrets


def _decode(token: tokens.Token, secrets: list[str]) -> dict[str, Any]:
    """The verified claims, trying each secret the key has (two while it is rotated)."""
    try:
        return tokens.verified_claims(token, secrets)
    except tokens.BadSignature:
        raise NotAuthorized("Token signature is invalid") from None
    except tokens.Expired:
        raise NotAuthorized("Token has expired") from None
    except tokens.NotYetValid:
        raise NotAuthorized("Token is not valid yet (`iat` or `nbf` in the future)") from None
    except tokens.TokenError as exc:
        raise NotAuthorized(f"Token is invalid: {exc}") from None


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
