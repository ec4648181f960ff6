"""The interface the credential code and the routes use: a profile's current signing key,
and the verification methods its DID document lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.keys import store
from badgekit_api.keys.context import encryption_of, origin_of_session
from badgekit_api.keys.did import did_web
from badgekit_api.keys.material import PrivateKey
from badgekit_api.keys.profiles import ProfileLike, profile_ref


@dataclass(frozen=True, slots=True)
class IssuerKey:
    """A profile's current key: sign with `private_key`, name `verification_method` (the
    JWT `kid`, the Data Integrity proof's `verificationMethod`)."""

    did: str
    verification_method: str  # did:web:...#key-N
    algorithm: str  # "EdDSA" or "ES256"
    private_key: PrivateKey
    public_jwk: dict[str, Any]
    public_multibase: str
    created_at: datetime  # when the key was made: a stable `created` for the proofs it signs

    def __repr__(self) -> str:  # never the private key, in a log line or a traceback
        return f"IssuerKey({self.verification_method!r}, {self.algorithm!r})"


async def signing_key(
    session: AsyncSession, profile: ProfileLike, *, origin: str | None = None
) -> IssuerKey:
    """The profile's current key, made now (Ed25519) if it has none. `profile` is a
    System, Issuer or Program, a request's Scope, a `ProfileRef` or a (kind, id) pair;
    `origin` defaults to PUBLIC_URL, else the origin of the request the session serves."""
    ref = profile_ref(profile)
    encryption = encryption_of(session)
    keys = await store.ensure_key(session, ref, encryption)
    current = keys.current
    assert current is not None
    did = did_web(origin or origin_of_session(session), keys.path)
    return IssuerKey(
        did=did,
        verification_method=f"{did}#{current.fragment}",
        algorithm=current.algorithm,
        private_key=store.stored_private_key(current, ref, encryption),
        public_jwk=current.public_jwk,
        public_multibase=current.public_multibase,
        created_at=current.created_at,
    )


def _methods(did: str, keys: list[store.StoredKey]) -> list[dict[str, Any]]:
    """Each published key twice: as a Multikey (`#key-N`, the form Data Integrity proofs
    name) and as a JsonWebKey (`#key-N-jwk`), current key first."""
    methods: list[dict[str, Any]] = []
    for key in keys:
        methods.append(
            {
                "id": f"{did}#{key.fragment}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.public_multibase,
            }
        )
    for key in keys:
        methods.append(
            {
                "id": f"{did}#{key.fragment}-jwk",
                "type": "JsonWebKey",
                "controller": did,
                "publicKeyJwk": key.public_jwk,
            }
        )
    return methods


async def verification_methods(
    session: AsyncSession, profile: ProfileLike, *, origin: str | None = None
) -> list[dict[str, Any]]:
    """The verification methods of the profile's DID document (its first key made now if
    it has none): every key not revoked, current first."""
    did, methods = await did_and_methods(session, profile, origin=origin)
    return methods


async def did_and_methods(
    session: AsyncSession, profile: ProfileLike, *, origin: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    ref = profile_ref(profile)
    keys = await store.ensure_key(session, ref, encryption_of(session))
    did = did_web(origin or origin_of_session(session), keys.path)
    return did, _methods(did, keys.published)
