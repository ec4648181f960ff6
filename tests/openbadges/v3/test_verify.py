"""`POST /public/verify` beyond our own awards: other issuers' keys (did:key offline,
did:web refused on private addresses), JWTs as JSON strings, dates, and bad input, which
is a 400 in the BadgeKit error format."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from badgekit_api.openbadges.baking import PNG
from badgekit_api.openbadges.ob3.baking import bake_credential
from badgekit_api.openbadges.ob3.proofs import add_data_integrity_proof, sign_vc_jwt
from badgekit_api.verify.fetching import NotFetched, fetch
from badgekit_api.webhooks.addresses import AddressPolicy
from tests.factories.containers import create_tree
from tests.openbadges.images import badge_png
from tests.openbadges.ob3.support import GeneratedKey
from tests.openbadges.support import award, create_badge_with_image
from tests.openbadges.v3.support import credential_json, credential_jwt, verify

KEY = GeneratedKey()


def credential(issuer: str = KEY.did, **fields: Any) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "https://elsewhere.example/credentials/1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Elsewhere"},
        "validFrom": "2024-03-01T09:30:15.000Z",
        "name": "Reader",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://elsewhere.example/achievements/reader",
                "type": ["Achievement"],
                "name": "Reader",
                "description": "Reads.",
                "criteria": {"narrative": "Read."},
            },
        },
        **fields,
    }


async def test_another_issuers_did_key_credential_verifies_offline(
    anon: httpx.AsyncClient,
) -> None:
    token = sign_vc_jwt(credential(), KEY)
    document = add_data_integrity_proof(credential(), KEY, datetime.now(UTC))

    for body, content_type in (
        (token, "text/plain"),
        (json.dumps(token), "application/json"),
        (document, "application/vc+ld+json"),
        (bake_credential(badge_png(8), PNG, token), "image/png"),
    ):
        report = await verify(anon, body, content_type)
        assert report["verified"], report
        assert report["byName"] == {
            "signature": True,
            "issuerKey": True,
            "validity": True,
            "status": None,  # no status entry
            "schema": True,
        }
        assert report["credential"]["issuer"]["id"] == KEY.did


async def test_an_expired_credential_is_reported_so(anon: httpx.AsyncClient) -> None:
    past = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    token = sign_vc_jwt(credential(validUntil=past), KEY)

    report = await verify(anon, token, "application/vc+jwt")

    assert not report["verified"]
    assert report["byName"]["signature"] is True
    assert report["byName"]["validity"] is False


async def test_a_credential_outside_the_schema_is_reported_so(anon: httpx.AsyncClient) -> None:
    broken = credential()
    del broken["credentialSubject"]["achievement"]["criteria"]
    token = sign_vc_jwt(broken, KEY)

    report = await verify(anon, token, "application/vc+jwt")

    assert not report["verified"]
    assert report["byName"]["signature"] is True
    assert report["byName"]["schema"] is False
    [detail] = [check["detail"] for check in report["checks"] if check["name"] == "schema"]
    assert "criteria" in detail


async def test_a_key_that_cannot_be_found_fails_the_issuer_key_check(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_tree(client)
    await create_badge_with_image(client, slug="reader")
    document = await credential_json(anon, await award(client, "reader"))
    elsewhere = {
        **document,
        "proof": {
            **document["proof"],
            "verificationMethod": "did:web:badges.test:public:systems:nowhere#key-1",
        },
    }
    private = sign_vc_jwt(credential(issuer="did:web:127.0.0.1"), _Named("did:web:127.0.0.1#k"))

    for body in (elsewhere, private):
        report = await verify(anon, body, "application/json")
        assert not report["verified"]
        assert report["byName"]["issuerKey"] is False
        assert report["byName"]["signature"] is None


async def test_did_web_is_not_fetched_from_private_addresses() -> None:
    with pytest.raises(NotFetched, match="private"):
        await fetch("https://127.0.0.1/.well-known/did.json", AddressPolicy())
    with pytest.raises(NotFetched, match="https"):
        await fetch("http://example.org/did.json", AddressPolicy())


async def test_a_status_entry_pointing_at_another_profiles_list_is_not_trusted(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    """A foreign issuer cannot borrow our status list for its credential: the list must
    be the issuer's own."""
    await create_tree(client)
    await create_badge_with_image(client, slug="reader")
    ours = await credential_json(anon, await award(client, "reader"))
    token = sign_vc_jwt(credential(credentialStatus=ours["credentialStatus"]), KEY)

    report = await verify(anon, token, "application/vc+jwt")

    assert not report["verified"]
    assert report["byName"]["signature"] is True
    assert report["byName"]["status"] is False


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/json"),
        (b"\xff\xfe\x00", "application/octet-stream"),
        (b"[1, 2]", "application/json"),
        (b'{"a": 1}', "application/json"),
        (b'"not.a.jwt"', "application/json"),
        (b"{not json", "application/json"),
        (badge_png(8), "image/png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        (b"\x89PNG\r\n\x1a\nbroken", "image/png"),
    ],
)
async def test_what_is_not_a_credential_is_a_400(
    anon: httpx.AsyncClient, body: bytes, content_type: str
) -> None:
    response = await anon.post(
        "/public/verify", content=body, headers={"Content-Type": content_type}
    )

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "ValidationError"
    assert response.json()["details"][0]["field"] == "body"


async def test_a_body_past_the_limit_is_a_413(anon: httpx.AsyncClient) -> None:
    response = await anon.post(
        "/public/verify",
        content=b"x" * (2 * 1024 * 1024 + 1),
        headers={"Content-Type": "text/plain"},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "PayloadTooLarge"


async def test_our_jwt_sent_as_a_json_string_verifies(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_tree(client)
    await create_badge_with_image(client, "program", slug="reader")
    token = await credential_jwt(anon, await award(client, "reader"))

    report = await verify(anon, json.dumps(token), "application/json")

    assert report["verified"], report


class _Named(GeneratedKey):
    """A key whose proofs name a verification method it is not."""

    def __init__(self, method: str) -> None:
        super().__init__()
        object.__setattr__(self, "_method", method)

    @property
    def verification_method(self) -> str:
        return str(self._method)  # type: ignore[attr-defined]


def _signed_json(document: dict[str, Any]) -> bytes:
    return json.dumps(add_data_integrity_proof(document, KEY, datetime.now(UTC))).encode()


def _odd_credentials() -> list[bytes]:
    """Signed, but odd in the ways a hostile sender can make them."""
    odd: list[bytes] = []
    for fields in (
        {"@context": ["https://evil.example/context.jsonld"]},
        {"@context": "https://www.w3.org/ns/credentials/v2"},
        {"issuer": 5},
        {"issuer": {"id": ["x"]}},
        {"validFrom": "yesterday"},
        {"validUntil": 17},
        {"credentialStatus": {"statusPurpose": "revocation", "statusListIndex": "99999999999"}},
        {"credentialStatus": ["a"]},
        {"credentialSubject": "nobody"},
        {"type": "VerifiableCredential"},
    ):
        document = {**credential(), **fields}
        try:
            odd.append(_signed_json(document))
        except Exception:  # noqa: BLE001 - what our signer refuses is sent unsigned
            odd.append(
                json.dumps(
                    {**document, "proof": {"verificationMethod": KEY.verification_method}}
                ).encode()
            )
        try:
            odd.append(sign_vc_jwt(document, KEY).encode())
        except (TypeError, ValueError):  # what PyJWT will not sign, no sender can either
            pass
    proofs = ({"verificationMethod": 5}, [], [{"type": "x"}], {"proofValue": "zzz"})
    odd += [json.dumps({**credential(), "proof": proof}).encode() for proof in proofs]
    return odd


@pytest.mark.parametrize("body", _odd_credentials())
async def test_odd_credentials_are_judged_or_refused_never_a_500(
    anon: httpx.AsyncClient, body: bytes
) -> None:
    response = await anon.post(
        "/public/verify", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["code"] == "ValidationError"
