"""The two proof formats of an Open Badges 3.0 credential, made and checked.

- VC-JWT (W3C VC-JOSE-COSE, OB 3.0 section 8.2): the credential is the JWT payload, with
  the registered claims OB 3.0 requires beside it (`iss` the issuer, `jti` the credential
  id, `nbf`/`exp` from `validFrom`/`validUntil`); header `alg` EdDSA or ES256, `kid` the
  verification method in the issuer's DID document, `typ: vc+jwt`.
- An embedded Data Integrity proof, cryptosuite `eddsa-rdfc-2022`: SHA-256 of the
  RDFC-1.0 canonical proof configuration, then of the canonical credential, signed with
  Ed25519; `proofValue` is the signature in multibase base58btc. Every context comes from
  the package (`contexts.document_loader`), never from the network.

Verification here checks the signature and what binds it to the credential; whether the
key belongs to the issuer, expiry and revocation are the caller's further checks.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import datetime
from typing import Any, Protocol

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from badgekit_api.openbadges.ob3.contexts import document_loader
from badgekit_api.openbadges.ob3.multibase import base58btc, from_base58btc
from badgekit_api.timestamps import iso_millis

JWT_TYPE = "vc+jwt"
ALGORITHMS = ("EdDSA", "ES256")
PROOF_TYPE, CRYPTOSUITE, PURPOSE = "DataIntegrityProof", "eddsa-rdfc-2022", "assertionMethod"
PublicKey = Ed25519PublicKey | EllipticCurvePublicKey


class SigningKey(Protocol):
    """What signing needs of an issuer key (the key store's `IssuerKey` has these)."""

    @property
    def verification_method(self) -> str: ...  # `did#fragment`, in the issuer's DID document

    @property
    def algorithm(self) -> str: ...  # "EdDSA" (Ed25519) or "ES256" (P-256)

    @property
    def private_key(self) -> Any: ...  # a `cryptography` private key object


class ProofError(Exception):
    """The credential's proof does not hold (the message says why)."""


# VC-JWT ------------------------------------------------------------------------------------


def sign_vc_jwt(credential: dict[str, Any], key: SigningKey) -> str:
    """The credential as a compact VC-JWT signed with `key`."""
    if key.algorithm not in ALGORITHMS:
        raise ValueError(f"VC-JWT is signed with {ALGORITHMS}, not {key.algorithm!r}")
    claims = {
        **credential,
        "iss": _issuer_id(credential),
        "jti": credential["id"],
        "nbf": _seconds(credential["validFrom"]),
    }
    if "validUntil" in credential:
        claims["exp"] = _seconds(credential["validUntil"])
    headers = {"kid": key.verification_method, "typ": JWT_TYPE}
    return jwt.encode(claims, key.private_key, algorithm=key.algorithm, headers=headers)


def vc_jwt_header(token: str) -> dict[str, Any]:
    """The unverified header of a VC-JWT (its `kid` names the key to verify it with)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise ProofError(f"not a compact JWT: {error}") from None
    if header.get("typ") != JWT_TYPE:
        raise ProofError(f"the JWT's typ is {header.get('typ')!r}, not {JWT_TYPE!r}")
    return header


def verify_vc_jwt(token: str, public_key: PublicKey) -> dict[str, Any]:
    """The credential a VC-JWT carries, once its signature holds for `public_key`.

    The algorithm is the key's own (the header cannot choose another); the registered
    claims must agree with the credential. Expiry is not judged here (`validity`).
    """
    vc_jwt_header(token)
    algorithm = "EdDSA" if isinstance(public_key, Ed25519PublicKey) else "ES256"
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            public_key,
            algorithms=[algorithm],
            options={"verify_exp": False, "verify_nbf": False, "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        raise ProofError("the VC-JWT signature does not match") from None
    except jwt.InvalidTokenError as error:
        raise ProofError(f"the VC-JWT is not valid: {error}") from None
    if not isinstance(claims, dict) or "credentialSubject" not in claims:
        raise ProofError("the VC-JWT payload is not a credential")
    if claims.get("iss") != _issuer_id(claims):
        raise ProofError("the JWT's iss is not the credential's issuer")
    if "jti" in claims and claims["jti"] != claims.get("id"):
        raise ProofError("the JWT's jti is not the credential's id")
    return claims


# Data Integrity eddsa-rdfc-2022 --------------------------------------------------------------


def add_data_integrity_proof(
    credential: dict[str, Any], key: SigningKey, created: datetime
) -> dict[str, Any]:
    """A copy of the credential with an embedded `eddsa-rdfc-2022` proof by `key`."""
    if key.algorithm != "EdDSA" or not isinstance(key.private_key, Ed25519PrivateKey):
        raise ValueError("eddsa-rdfc-2022 proofs are made with Ed25519 keys")
    unsecured = {name: value for name, value in credential.items() if name != "proof"}
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": iso_millis(created),
        "verificationMethod": key.verification_method,
        "proofPurpose": PURPOSE,
    }
    signature = key.private_key.sign(_hash_data(unsecured, proof))
    return {**unsecured, "proof": {**proof, "proofValue": base58btc(signature)}}


def data_integrity_proof(document: dict[str, Any]) -> dict[str, Any]:
    """The document's one `eddsa-rdfc-2022` proof (its `verificationMethod` names the key)."""
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("the credential has no single embedded proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"the proof is not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    if proof.get("proofPurpose") != PURPOSE:
        raise ProofError(f"the proof's purpose is not {PURPOSE}")
    if not isinstance(proof.get("verificationMethod"), str):
        raise ProofError("the proof names no verificationMethod")
    return proof


def verify_data_integrity_proof(document: dict[str, Any], public_key: PublicKey) -> dict[str, Any]:
    """The credential without its proof, once the proof holds for `public_key`."""
    proof = data_integrity_proof(document)
    if not isinstance(public_key, Ed25519PublicKey):
        raise ProofError("an eddsa-rdfc-2022 proof is checked with an Ed25519 key")
    try:
        signature = from_base58btc(proof.get("proofValue") or "")
    except ValueError as error:
        raise ProofError(f"the proofValue is not multibase base58btc: {error}") from None
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    try:
        public_key.verify(signature, _hash_data(unsecured, options))
    except InvalidSignature:
        raise ProofError("the Data Integrity proof does not match the credential") from None
    return unsecured


def canonical_nquads(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document, contexts from the package only.

    (pyld calls RDFC-1.0 by its earlier name URDNA2015; the output is the same.)
    """
    # Imported on first use: pyld holds some 10 MiB, which a worker that never serves or
    # checks a Data Integrity proof should not carry (a worker may use 150 MB).
    from pyld import jsonld

    try:
        nquads: str = jsonld.normalize(
            copy.deepcopy(document),
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
            },
        )
    except jsonld.JsonLdError as error:
        raise ProofError(f"the credential is not valid JSON-LD here: {error.type}") from None
    return nquads


def _hash_data(unsecured: dict[str, Any], options: dict[str, Any]) -> bytes:
    """eddsa-rdfc-2022 hashing: the proof options are read in the credential's @context."""
    config = {**options, "@context": unsecured.get("@context")}
    config_hash = hashlib.sha256(canonical_nquads(config).encode()).digest()
    return config_hash + hashlib.sha256(canonical_nquads(unsecured).encode()).digest()


# Shared -----------------------------------------------------------------------------------


def _issuer_id(credential: dict[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _seconds(moment: str) -> int:
    return int(datetime.fromisoformat(moment).timestamp())


def validity(credential: dict[str, Any], now: datetime) -> str | None:
    """Why the credential is not valid at `now` (not yet, or expired), or None if it is."""
    try:
        valid_from = datetime.fromisoformat(credential["validFrom"])
        valid_until = credential.get("validUntil")
        until = datetime.fromisoformat(valid_until) if valid_until else None
    except (KeyError, TypeError, ValueError):
        return "validFrom or validUntil is not a date-time"
    if now < valid_from:
        return f"not valid before {credential['validFrom']}"
    if until is not None and now >= until:
        return f"expired at {valid_until}"
    return None
