"""The public key a proof's verification method names, and the revocation bit its status
entry points at: ours from the database, did:key offline, anything else over HTTPS."""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any
from urllib.parse import quote, unquote

import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.http.urls import PublicUrls
from badgekit_api.openbadges.ob3.multibase import did_key_public_key, public_key_from_multikey
from badgekit_api.openbadges.ob3.proofs import ALGORITHMS, PublicKey
from badgekit_api.status_lists import bitstring
from badgekit_api.status_lists.entries import STATUS_PURPOSE
from badgekit_api.verify import own
from badgekit_api.verify.fetching import NotFetched, fetch
from badgekit_api.webhooks.addresses import AddressPolicy

MAX_LIST_BYTES = 1024 * 1024


class Resolver:
    """Resolves keys and status bits for one verify request."""

    def __init__(self, session: AsyncSession, urls: PublicUrls, policy: AddressPolicy) -> None:
        self.session, self.urls, self.policy = session, urls, policy

    async def public_key(self, method: str) -> PublicKey | None:
        """The key of verification method `did#fragment`, None if it cannot be found."""
        did = method.partition("#")[0]
        if did.startswith("did:key:"):
            try:
                return did_key_public_key(method)
            except ValueError:
                return None
        if not did.startswith("did:web:"):
            return None
        slugs = own.own_did_slugs(did, self.urls)
        if slugs is not None:
            methods = await own.own_methods(self.session, slugs, self.urls)
        else:
            methods = await self._did_web_methods(did)
        for candidate in methods or []:
            if isinstance(candidate, dict) and candidate.get("id") == method:
                return _key_of(candidate)
        return None

    async def _did_web_methods(self, did: str) -> list[Any] | None:
        parts = [unquote(part) for part in did.removeprefix("did:web:").split(":")]
        host, path = parts[0], [quote(part, safe="") for part in parts[1:]]
        if not host or "/" in host or "@" in host:
            return None
        url = f"https://{host}/{'/'.join(path) if path else '.well-known'}/did.json"
        try:
            document = json.loads(await fetch(url, self.policy))
        except (NotFetched, ValueError):
            return None
        if not isinstance(document, dict) or document.get("id") != did:
            return None
        methods = document.get("verificationMethod")
        return methods if isinstance(methods, list) else None

    async def revoked(self, entry: Any, issuer: str | None) -> bool | None:
        """Whether the entry's revocation bit is set; None when there is no entry or its
        list cannot be read and trusted (signed by the credential's own issuer)."""
        if not isinstance(entry, dict) or entry.get("statusPurpose") != STATUS_PURPOSE:
            return None
        list_url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
        if not isinstance(list_url, str) or not str(index).isdigit():
            return None
        position = int(str(index))
        ours = own.own_list(list_url, self.urls)
        if ours is not None:
            slugs, number = ours
            if issuer != own.did_of(slugs, self.urls):
                return None
            return await own.own_bit(self.session, slugs, number, position)
        return await self._foreign_bit(list_url, position, issuer)

    async def _foreign_bit(self, list_url: str, index: int, issuer: str | None) -> bool | None:
        try:
            token = (await fetch(list_url, self.policy)).decode().strip()
            kid = jwt.get_unverified_header(token).get("kid")
        except (NotFetched, UnicodeDecodeError, jwt.InvalidTokenError):
            return None
        if not isinstance(kid, str) or kid.partition("#")[0] != issuer:
            return None
        key = await self.public_key(kid)
        if key is None:
            return None
        try:
            options: Any = {"verify_aud": False}
            claims = jwt.decode(token, key, algorithms=list(ALGORITHMS), options=options)
            list_issuer = claims.get("issuer")
            if isinstance(list_issuer, dict):
                list_issuer = list_issuer.get("id")
            subject = claims["credentialSubject"]
            if list_issuer != issuer or subject.get("statusPurpose") != STATUS_PURPOSE:
                return None
            bits = _bitstring(subject["encodedList"])
            return bitstring.is_set(bits, index) if index < len(bits) * 8 else None
        except (jwt.InvalidTokenError, KeyError, TypeError, AttributeError, ValueError, zlib.error):
            return None


def _bitstring(encoded: str) -> bytes:
    """The list's bits, decompressed no further than MAX_LIST_BYTES (a small body could
    otherwise inflate to gigabytes)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url")
    body = encoded[1:]
    compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    bits = inflater.decompress(compressed, MAX_LIST_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("the list is too long")
    return bits


def _key_of(method: dict[str, Any]) -> PublicKey | None:
    try:
        if method.get("type") == "Multikey":
            return public_key_from_multikey(str(method["publicKeyMultibase"]))
        if method.get("type") in ("JsonWebKey", "JsonWebKey2020"):
            key: PublicKey = jwt.PyJWK(method["publicKeyJwk"]).key
            return key
    except (KeyError, ValueError, TypeError, jwt.PyJWKError):
        return None
    return None
