"""The BadgeKit JWT scheme, shared by inbound request checks and outbound webhooks."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import jwt

from badgekit_api.security import tokens

ALGORITHM = "HS256"
_HEADER = re.compile(r'^\s*JWT\s+token\s*=\s*"?([A-Za-z0-9_\-\.=]+)"?\s*$')


def body_hash(body: bytes) -> dict[str, str]:
    """The `body` claim for a request or webhook body: sha256 of the exact bytes sent."""
    return {"alg": "sha256", "hash": hashlib.sha256(body).hexdigest()}


def sign(claims: dict[str, Any], secret: str) -> str:
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def authorization_header(token: str) -> str:
    return f'JWT token="{token}"'


def sign_request(
    method: str,
    path: str,
    body: bytes | None,
    *,
    key: str,
    secret: str,
    exp: int | None = None,
    jti: str | None = None,
) -> str:
    """A ready `Authorization` header value for one request."""
    claims: dict[str, Any] = {"key": key, "method": method.upper(), "path": path}
    if exp is not None:
        claims["exp"] = exp
    if jti is not None:
        claims["jti"] = jti
    if body is not None or method.upper() in ("POST", "PUT"):
        claims["body"] = body_hash(body or b"")
    return authorization_header(sign(claims, secret))


def token_from_header(value: str) -> str | None:
    """The token inside `JWT token="..."`, or None when the header has another shape."""
    match = _HEADER.match(value)
    return match.group(1) if match else None


def verify(token: str, secret: str) -> dict[str, Any]:
    """The claims of an HS256 token signed with `secret` whose `exp`, `iat` and `nbf` hold;
    `tokens.TokenError` otherwise (`tokens.BadSignature` for another secret's token)."""
    parsed = tokens.parse(token)
    if parsed.header.get("alg") != ALGORITHM:
        raise tokens.TokenError(f"The token is not signed with {ALGORITHM}")
    return tokens.verified_claims(parsed, [secret])
