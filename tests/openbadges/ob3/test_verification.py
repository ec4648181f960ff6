"""Reading what a verifier is sent, and the report on it, beyond what test_proofs.py shows
(where our reports agree with openbadgeslib)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from badgekit_api.openbadges.baking import PNG, bake_png
from badgekit_api.openbadges.ob3.baking import bake_credential
from badgekit_api.openbadges.ob3.proofs import add_data_integrity_proof, sign_vc_jwt
from badgekit_api.openbadges.ob3.verification import (
    DATA_INTEGRITY,
    JWT,
    NotACredential,
    check_presented,
    read_presented,
)
from tests.openbadges.images import badge_png
from tests.openbadges.ob3.support import GeneratedKey, status_entry

KEY = GeneratedKey()
NOW = datetime.now(UTC)


def credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "https://badges.example.org/public/assertions/a?v=3",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": KEY.did, "type": ["Profile"], "name": "Chicago"},
        "validFrom": "2024-03-01T09:30:15.000Z",
        "name": "Reader",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://badges.example.org/public/systems/chicago/badges/reader",
                "type": ["Achievement"],
                "name": "Reader",
                "description": "Reads.",
                "criteria": {"narrative": "Read."},
            },
        },
        "credentialStatus": status_entry(1),
    }


def test_each_form_is_read_with_the_key_its_proof_names() -> None:
    token = sign_vc_jwt(credential(), KEY)
    document = add_data_integrity_proof(credential(), KEY, NOW)

    forms = {
        "jwt": read_presented(f"  {token}\n".encode()),
        "json": read_presented(json.dumps(document).encode()),
        "png": read_presented(bake_credential(badge_png(8), PNG, token)),
    }

    assert {name: form.format for name, form in forms.items()} == {
        "jwt": JWT,
        "json": DATA_INTEGRITY,
        "png": JWT,
    }
    for form in forms.values():
        assert form.verification_method == KEY.verification_method
        assert form.issuer == KEY.did
        assert form.status_entry == status_entry(1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", "neither a JSON credential nor a VC-JWT"),
        (b"{not json", "does not parse"),
        (json.dumps(credential()).encode(), "no single embedded proof"),
        (b"a.b.c", "neither a JSON credential nor a VC-JWT"),
        (jwt.encode({"a": 1}, "k" * 32, headers={"typ": "vc+jwt"}).encode(), "names no key"),
        (jwt.encode({"a": 1}, "k" * 32, headers={"kid": "x"}).encode(), "typ"),
        (badge_png(8), "no Open Badges 3.0 credential"),
        (bake_png(badge_png(8), "https://badges.example.org/a"), "no Open Badges 3.0"),
        (badge_png(8)[:40], "cannot be read"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "no Open Badges 3.0 credential"),
    ],
    ids=[
        "binary",
        "json-array",
        "bad-json",
        "no-proof",
        "garbage-jwt",
        "no-kid",
        "not-vc-jwt",
        "png-without",
        "png-2-0-only",
        "broken-png",
        "svg-without",
    ],
)
def test_what_holds_no_credential_is_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(NotACredential, match=message):
        read_presented(data)


def test_the_report_names_each_failed_check() -> None:
    expired = {**credential(), "validUntil": (NOW - timedelta(days=1)).isoformat()}
    presented = read_presented(sign_vc_jwt(expired, KEY).encode())
    public_key = KEY.private_key.public_key()

    revoked = check_presented(presented, public_key, NOW, revoked=True)
    no_key = check_presented(presented, None, NOW, revoked=None)
    fine = check_presented(
        read_presented(sign_vc_jwt(credential(), KEY).encode()), public_key, NOW, revoked=False
    )

    assert {check.name: check.passed for check in revoked.checks} == {
        "signature": True,
        "issuerKey": True,
        "validity": False,
        "status": False,
    }
    assert revoked.verified is False and revoked.credential is not None
    assert {check.name: check.passed for check in no_key.checks} == {
        "signature": None,
        "issuerKey": False,
        "validity": False,
        "status": None,
    }
    assert no_key.verified is False and no_key.credential is None
    assert fine.verified is True
    assert fine.credential is not None and fine.credential["name"] == "Reader"
