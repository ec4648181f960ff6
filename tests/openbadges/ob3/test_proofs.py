"""Both proof formats, made by us and judged by us and by openbadgeslib (an independent
implementation from PyPI, in a virtualenv of its own): a fresh credential verifies, a
tampered copy, one checked with another key and an expired one do not, and our own
verify functions agree with openbadgeslib on every case."""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.openbadges.baking import PNG, SVG
from badgekit_api.openbadges.ob3.baking import bake_credential, unbake_credential
from badgekit_api.openbadges.ob3.credential import credential_url, open_badge_credential
from badgekit_api.openbadges.ob3.issuing import (
    baked_credential_image,
    credential_jwt,
    signed_credential,
)
from badgekit_api.openbadges.ob3.multibase import did_key_public_key
from badgekit_api.openbadges.ob3.proofs import (
    ProofError,
    PublicKey,
    add_data_integrity_proof,
    canonical_nquads,
    sign_vc_jwt,
    validity,
    vc_jwt_header,
    verify_data_integrity_proof,
    verify_vc_jwt,
)
from badgekit_api.openbadges.ob3.verification import Report, check_presented, read_presented
from tests.factories.containers import create_tree
from tests.openbadges.images import BADGE_SVG, badge_png
from tests.openbadges.ob3.independent import verify_with_openbadgeslib
from tests.openbadges.ob3.support import URLS, GeneratedKey, facts_of, status_entry
from tests.openbadges.support import award, create_badge_with_image

NOW = datetime.now(UTC)


async def fresh_credential(
    client: httpx.AsyncClient, engine: AsyncEngine, key: GeneratedKey, **award_fields: Any
) -> dict[str, Any]:
    awarded = await award(client, "reader", **award_fields)
    facts = await facts_of(engine, awarded.slug)
    assert facts.badge is not None
    return open_badge_credential(
        facts, facts.badge, URLS, issuer_did=key.did, credential_status=status_entry(3)
    )


def tampered_jwt(token: str) -> str:
    """The token with its payload's name changed and the signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = "A badge never awarded"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def tampered_document(document: dict[str, Any]) -> dict[str, Any]:
    forged = copy.deepcopy(document)
    forged["credentialSubject"]["achievement"]["name"] = "A badge never awarded"
    return forged


def ours(case: dict[str, Any], public_key: PublicKey) -> bool:
    """Our verdict with the issuer's key: the proof holds and the credential is valid now."""
    try:
        if case["format"] == "jwt":
            credential = verify_vc_jwt(case["credential"], public_key)
        else:
            credential = verify_data_integrity_proof(case["credential"], public_key)
    except ProofError:
        return False
    return validity(credential, datetime.now(UTC)) is None


def our_report(case: dict[str, Any]) -> Report:
    """Our verdict on the bytes as sent, with the key its own proof names (did:key)."""
    credential = case["credential"]
    if case["format"] in ("png", "svg"):
        data = base64.b64decode(credential)
    else:
        data = (credential if isinstance(credential, str) else json.dumps(credential)).encode()
    presented = read_presented(data)
    key = did_key_public_key(presented.verification_method)
    return check_presented(presented, key, datetime.now(UTC), revoked=False)


def pem(public_key: PublicKey) -> str:
    return public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.fixture
async def reader(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    await create_badge_with_image(client, "program", slug="reader")


@pytest.mark.usefixtures("reader")
async def test_openbadgeslib_and_our_verifier_agree_on_each_case(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    key = GeneratedKey()
    fresh = await fresh_credential(
        client,
        engine,
        key,
        expires=NOW + timedelta(days=365),
        evidence=(("https://work.example.org/essay", "An essay."),),
    )
    expired = await fresh_credential(
        client, engine, key, email="late@example.org", expires=NOW - timedelta(days=1)
    )
    token = sign_vc_jwt(fresh, key)
    document = add_data_integrity_proof(fresh, key, NOW)
    stranger = GeneratedKey()
    cases: dict[str, dict[str, Any]] = {
        "jwt": {"format": "jwt", "credential": token},
        "ldp": {"format": "ldp", "credential": document},
        "jwt-tampered": {"format": "jwt", "credential": tampered_jwt(token)},
        "ldp-tampered": {"format": "ldp", "credential": tampered_document(document)},
        "jwt-expired": {"format": "jwt", "credential": sign_vc_jwt(expired, key)},
        "ldp-expired": {"format": "ldp", "credential": add_data_integrity_proof(expired, key, NOW)},
        # Signed by someone else's key, but naming our issuer.
        "jwt-other-key": {"format": "jwt", "credential": sign_vc_jwt(fresh, stranger)},
        "ldp-other-key": {
            "format": "ldp",
            "credential": add_data_integrity_proof(fresh, stranger, NOW),
        },
    }
    public_key = key.private_key.public_key()

    verdicts = verify_with_openbadgeslib(pem(public_key), key.did, cases)

    accepted = {"jwt", "ldp"}
    for name, case in cases.items():
        for how in ("pinned", "did"):
            assert verdicts[name][how]["accepted"] is (name in accepted), (name, how, verdicts)
        assert ours(case, public_key) is (name in accepted), name
        assert our_report(case).verified is (name in accepted), (name, our_report(case))
    failed = {
        name: [check.name for check in our_report(case).checks if check.passed is False]
        for name, case in cases.items()
    }
    assert failed == {
        "jwt": [],
        "ldp": [],
        "jwt-tampered": ["signature"],
        "ldp-tampered": ["signature"],
        "jwt-expired": ["validity"],
        "ldp-expired": ["validity"],
        "jwt-other-key": ["issuerKey"],
        "ldp-other-key": ["issuerKey"],
    }
    assert "expired" in verdicts["jwt-expired"]["pinned"]["error"]
    # The key named by the proof is the one the issuer's DID gives.
    assert did_key_public_key(vc_jwt_header(token)["kid"]) == public_key
    assert did_key_public_key(document["proof"]["verificationMethod"]) == public_key


@pytest.mark.usefixtures("reader")
async def test_an_es256_vc_jwt_verifies_with_its_p256_key(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    ed25519 = GeneratedKey()
    credential = await fresh_credential(client, engine, ed25519)
    p256 = ec.generate_private_key(ec.SECP256R1())

    class P256Key:
        verification_method = f"{ed25519.did}#p256"
        algorithm = "ES256"
        private_key = p256

    token = sign_vc_jwt(credential, P256Key())

    assert vc_jwt_header(token) == {"alg": "ES256", "kid": f"{ed25519.did}#p256", "typ": "vc+jwt"}
    assert verify_vc_jwt(token, p256.public_key())["id"] == credential["id"]
    with pytest.raises(ProofError, match="signature"):
        verify_vc_jwt(token, ec.generate_private_key(ec.SECP256R1()).public_key())
    verdicts = verify_with_openbadgeslib(
        pem(p256.public_key()), ed25519.did, {"es256": {"format": "jwt", "credential": token}}
    )
    assert verdicts["es256"]["pinned"] == {"accepted": True, "error": None}


@pytest.mark.usefixtures("reader")
async def test_the_vc_jwt_payload_is_the_credential_with_the_registered_claims(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    key = GeneratedKey()
    credential = await fresh_credential(client, engine, key, expires=NOW + timedelta(days=2))

    claims = verify_vc_jwt(sign_vc_jwt(credential, key), key.private_key.public_key())

    registered = {name: claims.pop(name) for name in ("iss", "jti", "nbf", "exp")}
    assert claims == credential
    assert registered == {
        "iss": key.did,
        "jti": credential["id"],
        "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp()),
        "exp": int(datetime.fromisoformat(credential["validUntil"]).timestamp()),
    }


@pytest.mark.usefixtures("reader")
async def test_the_data_integrity_proof_signs_every_field_of_the_credential(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    key = GeneratedKey()
    credential = await fresh_credential(
        client, engine, key, evidence=(("https://work.example.org/essay", "An essay."),)
    )
    document = add_data_integrity_proof(credential, key, NOW)

    # Every member is a term of the shipped contexts, so none is dropped (unsigned) when
    # the credential becomes RDF: each string value appears in the canonical form.
    nquads = canonical_nquads(credential)
    for value in _strings(
        {name: value for name, value in credential.items() if name != "@context"}
    ):
        assert json.dumps(value)[1:-1] in nquads, value
    assert {name: value for name, value in document.items() if name != "proof"} == credential
    with pytest.raises(ProofError, match="Ed25519"):
        verify_data_integrity_proof(document, ec.generate_private_key(ec.SECP256R1()).public_key())
    with pytest.raises(ProofError, match="does not match"):
        verify_data_integrity_proof(document, Ed25519PrivateKey.generate().public_key())


def _strings(value: Any) -> list[str]:
    """The string values in a document, but types (which become IRIs of their terms)."""
    if isinstance(value, dict):
        return [text for key, item in value.items() if key != "type" for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


@pytest.mark.usefixtures("reader")
async def test_openbadgeslib_verifies_credentials_baked_in_either_format(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    key = GeneratedKey()
    credential = await fresh_credential(
        client, engine, key, evidence=((None, "Its narrative has a ]]> in it."),)
    )
    token = sign_vc_jwt(credential, key)
    document = add_data_integrity_proof(credential, key, NOW)
    baked = {
        "png-jwt": ("png", bake_credential(badge_png(), PNG, token)),
        "png-ldp": ("png", bake_credential(badge_png(), PNG, document)),
        "svg-jwt": ("svg", bake_credential(BADGE_SVG, SVG, token)),
        "svg-ldp": ("svg", bake_credential(BADGE_SVG, SVG, document)),
        "png-tampered": ("png", bake_credential(badge_png(), PNG, tampered_document(document))),
        "svg-tampered": ("svg", bake_credential(BADGE_SVG, SVG, tampered_jwt(token))),
    }
    cases = {
        name: {"format": kind, "credential": base64.b64encode(image).decode()}
        for name, (kind, image) in baked.items()
    }

    verdicts = verify_with_openbadgeslib(pem(key.private_key.public_key()), key.did, cases)

    for name, case in cases.items():
        assert verdicts[name]["pinned"]["accepted"] is ("tampered" not in name), verdicts[name]
        assert our_report(case).verified is ("tampered" not in name), name
    # We read back exactly what we baked.
    for name, (_, image) in baked.items():
        text = unbake_credential(image)
        assert text is not None
        if name.endswith("-jwt"):
            assert text == token
        elif name.endswith("-ldp"):
            assert json.loads(text) == document


@pytest.mark.usefixtures("reader")
async def test_each_served_form_of_an_award_verifies(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    key = GeneratedKey()
    awarded = await award(client, "reader")
    facts = await facts_of(engine, awarded.slug)
    public_key = key.private_key.public_key()

    document = signed_credential(facts, URLS, key, status_entry(5), created=NOW)
    token = credential_jwt(facts, URLS, key, status_entry(5))
    baked = baked_credential_image(badge_png(), PNG, token)

    assert document == signed_credential(facts, URLS, key, status_entry(5), created=NOW)
    assert verify_data_integrity_proof(document, public_key)["id"] == credential_url(
        awarded.slug, URLS
    )
    assert verify_vc_jwt(token, public_key)["credentialStatus"] == status_entry(5)
    assert unbake_credential(baked) == token
    without_badge = await facts_of(engine, awarded.slug)
    with pytest.raises(ValueError, match="with their badge"):
        credential_jwt(replace(without_badge, badge=None), URLS, key, None)
