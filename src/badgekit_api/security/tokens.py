"""An inbound BadgeKit JWT, read once: its parts, its HS256 signature, its time claims.

Every signed request is checked here, so this is on the hot path of every read. PyJWT did
the same job at about 50 µs a request (its base64 check runs a Python generator over every
character, and the token was parsed twice: once for its `key`, once per secret tried);
this reads the token once with the C routines of `re`, `base64`, `orjson` and `hmac`, and
keeps PyJWT's rules (tests/security/test_tokens.py holds the two to the same answers):

- three base64url segments, unpadded or padded, in their one canonical encoding (no
  junk characters, no spare bits);
- a header and a payload that are JSON objects; no `crit` extension, which this reader
  knows none of (RFC 7515 §4.1.11), and so no unencoded payload (`b64`);
- the signature checked, in constant time, before any claim is trusted;
- `exp` (expired when now is at or past it), `nbf` and `iat` (refused when in the
  future), each an integer or a string of one, as PyJWT reads them; `sub` and `jti`
  strings when present.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

# A segment: base64url characters, then at most two '=' of padding.
_SEGMENT = re.compile(rb"[A-Za-z0-9_-]*={0,2}")


class TokenError(Exception):
    """The token cannot be read or trusted; the message says why."""


class BadSignature(TokenError):
    """Not signed with the secret tried (another secret of the key may match)."""


class Expired(TokenError):
    pass


class NotYetValid(TokenError):
    pass


@dataclass(frozen=True, slots=True)
class Token:
    """A token's parts as read, not yet verified."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes


def _segment(part: bytes, name: str) -> bytes:
    if _SEGMENT.fullmatch(part) is None:
        raise TokenError(f"Invalid {name} padding")
    stripped = part.rstrip(b"=")
    if (len(part) != len(stripped) and len(part) % 4) or len(stripped) % 4 == 1:
        raise TokenError(f"Invalid {name} padding")
    try:
        decoded = base64.urlsafe_b64decode(stripped + b"=" * (-len(stripped) % 4))
    except binascii.Error:
        raise TokenError(f"Invalid {name} padding") from None
    # Only the canonical encoding: a second spelling of the same bytes (spare bits set in
    # the last character) would make one signed token into several.
    if base64.urlsafe_b64encode(decoded).rstrip(b"=") != stripped:
        raise TokenError(f"Invalid {name} padding")
    return decoded


def _json_object(data: bytes, name: str) -> dict[str, Any]:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise TokenError(f"Invalid {name} string: {exc}") from None
    if not isinstance(value, dict):
        raise TokenError(f"Invalid {name} string: must be a json object")
    return value


def parse(token: str) -> Token:
    """The token's header, claims and signature; `TokenError` if it is not a JWT."""
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError:
        raise TokenError("Invalid token: not ASCII") from None
    parts = raw.split(b".")
    if len(parts) != 3:
        raise TokenError("Not enough segments" if len(parts) < 3 else "Too many segments")
    header = _json_object(_segment(parts[0], "header"), "header")
    if "crit" in header or "b64" in header:
        raise TokenError("Unsupported critical header parameters")
    if "kid" in header and not isinstance(header["kid"], str):
        raise TokenError("Key ID header parameter must be a string")
    claims = _json_object(_segment(parts[1], "payload"), "payload")
    signature = _segment(parts[2], "crypto")
    return Token(header, claims, parts[0] + b"." + parts[1], signature)


def signed_with(token: Token, secret: str) -> bool:
    """Whether the token's HS256 signature was made with `secret`."""
    expected = hmac.new(secret.encode(), token.signing_input, hashlib.sha256).digest()
    return hmac.compare_digest(expected, token.signature)


def verified_claims(token: Token, secrets: Sequence[str]) -> dict[str, Any]:
    """The claims of a token signed with one of `secrets` (a key has two while it is
    rotated) whose time claims hold; `BadSignature`, `Expired`, `NotYetValid` or
    `TokenError` otherwise. The signature is checked before any claim is read."""
    if not any(signed_with(token, secret) for secret in secrets):
        raise BadSignature("Signature verification failed")
    check_times(token.claims)
    return token.claims


def _integer(claims: dict[str, Any], name: str, what: str) -> int:
    try:
        return int(claims[name])
    except (ValueError, TypeError, OverflowError):
        raise TokenError(f"{what} claim ({name}) must be an integer.") from None


def check_times(claims: dict[str, Any], now: float | None = None) -> None:
    """`Expired` or `NotYetValid` by the token's time claims; `TokenError` for a claim of
    the wrong type."""
    now = time.time() if now is None else now
    if "iat" in claims and _integer(claims, "iat", "Issued At") > now:
        raise NotYetValid("The token is not yet valid (iat)")
    if "nbf" in claims and _integer(claims, "nbf", "Not Before") > now:
        raise NotYetValid("The token is not yet valid (nbf)")
    if "exp" in claims and _integer(claims, "exp", "Expiration Time") <= now:
        raise Expired("Signature has expired")
    for name, what in (("sub", "Subject"), ("jti", "JWT ID")):
        if name in claims and not isinstance(claims[name], str):
            raise TokenError(f"{what} must be a string")
