"""The token reader (security/tokens.py) against PyJWT, an independent implementation.

Every token below, well formed or crafted to probe one rule, must be accepted or refused
by both, and refused for the same kind of reason (another secret, expired, not yet valid,
malformed).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest

from badgekit_api.security import signing, tokens

SECRET = "reading-secret-0123456789-abcdefghijklmnop"


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _signed(header: Any, claims: Any, secret: str = SECRET, *, raw: bool = False) -> str:
    """A token of exactly these parts (`raw`: the parts are given as JSON text)."""
    head = header.encode() if raw else json.dumps(header).encode()
    body = claims.encode() if raw else json.dumps(claims).encode()
    signing_input = _b64(head) + b"." + _b64(body)
    mac = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + _b64(mac)).decode()


HS256 = {"alg": "HS256", "typ": "JWT"}


def _respelled(token: str, index: int, change: Any) -> str:
    parts = token.split(".")
    parts[index] = change(parts[index])
    return ".".join(parts)


def _spare_bits(segment: str) -> str:
    """The same bytes with the unused low bits of the last character set: a second
    spelling that lenient decoders accept."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    if len(segment) % 4 == 0:
        return segment
    last = alphabet.index(segment[-1])
    return segment[:-1] + alphabet[last | (1 if len(segment) % 4 == 3 else 3)]


GOOD = _signed(HS256, {"key": "master", "method": "GET", "path": "/"})


def _cases() -> dict[str, str]:
    """The tokens, their times counted from now (the suite may run longer than a token's
    margin)."""
    now = int(time.time())
    return {
        "well formed": GOOD,
        "another secret": _signed(HS256, {"key": "master"}, "another-secret-0123456789-abcdefgh"),
        "tampered payload": _respelled(GOOD, 1, lambda _: _b64(b'{"key":"other"}').decode()),
        "padded signature": _respelled(GOOD, 2, lambda part: part + "=" * (-len(part) % 4)),
        "padding where none is due": _respelled(GOOD, 2, lambda part: part + "===="),
        "junk characters": _respelled(GOOD, 2, lambda part: part[:-4] + "!!!!"),
        "non-canonical last character": _respelled(GOOD, 2, _spare_bits),
        "two segments": GOOD.rsplit(".", 1)[0],
        "four segments": GOOD + ".abc",
        "header not an object": _signed("[1]", '{"key":"master"}', raw=True),
        "payload not an object": _signed('{"alg":"HS256"}', '["key"]', raw=True),
        "payload not JSON": _signed('{"alg":"HS256"}', "{key: master}", raw=True),
        "expired": _signed(HS256, {"key": "master", "exp": now - 10}),
        "expires later": _signed(HS256, {"key": "master", "exp": now + 600}),
        "exp as a numeric string, expired": _signed(HS256, {"key": "master", "exp": str(now - 10)}),
        "exp as a numeric string, later": _signed(HS256, {"key": "master", "exp": str(now + 600)}),
        "exp not a number": _signed(HS256, {"key": "master", "exp": "soon"}),
        "exp null": _signed(HS256, {"key": "master", "exp": None}),
        "iat in the future": _signed(HS256, {"key": "master", "iat": now + 600}),
        "iat in the past": _signed(HS256, {"key": "master", "iat": now - 600}),
        "iat not a number": _signed(HS256, {"key": "master", "iat": [1]}),
        "nbf in the future": _signed(HS256, {"key": "master", "nbf": now + 600}),
        "nbf in the past": _signed(HS256, {"key": "master", "nbf": now - 600}),
        "sub not a string": _signed(HS256, {"key": "master", "sub": 7}),
        "jti not a string": _signed(HS256, {"key": "master", "jti": 7}),
        "kid not a string": _signed({**HS256, "kid": 7}, {"key": "master"}),
        "a critical extension": _signed({**HS256, "crit": ["exp"], "exp": 1}, {"key": "master"}),
        "alg none": _signed({"alg": "none"}, {"key": "master"}),
        "not ASCII": GOOD[:-1] + "é",
        "empty": "",
    }


def _pyjwt(token: str) -> str:
    try:
        jwt.decode(
            token,
            SECRET,
            algorithms=["HS256"],
            options={"require": [], "verify_aud": False, "verify_iss": False},
        )
    except jwt.InvalidSignatureError:
        return "another secret"
    except jwt.ExpiredSignatureError:
        return "expired"
    except jwt.ImmatureSignatureError:
        return "not yet valid"
    except jwt.PyJWTError:
        return "malformed"
    return "accepted"


def _ours(token: str) -> str:
    try:
        signing.verify(token, SECRET)
    except tokens.BadSignature:
        return "another secret"
    except tokens.Expired:
        return "expired"
    except tokens.NotYetValid:
        return "not yet valid"
    except tokens.TokenError:
        return "malformed"
    return "accepted"


@pytest.mark.parametrize("name", sorted(_cases()))
def test_the_reader_answers_as_pyjwt_does(name: str) -> None:
    token = _cases()[name]
    assert _ours(token) == _pyjwt(token)


def test_the_cases_cover_every_answer() -> None:
    assert {_pyjwt(token) for token in _cases().values()} == {
        "accepted",
        "another secret",
        "expired",
        "not yet valid",
        "malformed",
    }


def test_a_verified_token_gives_its_claims() -> None:
    token = signing.sign({"key": "master", "path": "/x", "body": {"alg": "sha256"}}, SECRET)
    assert signing.verify(token, SECRET) == {
        "key": "master",
        "path": "/x",
        "body": {"alg": "sha256"},
    }
