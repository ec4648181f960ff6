"""did:web identifiers of the issuer profiles and their DID documents.

A profile's public documents live at `/public/systems/:s[/issuers/:i[/programs/:p]]`; its
DID is that URL as did:web spells it (did:web Method Specification, "Create"): the host,
its port's colon percent-encoded, then each path segment after a colon. A did:web with a
path resolves to `https://<host>/<path>/did.json`, which is the route `public_router.py`
serves, so `did:web:badges.example.org:public:systems:chicago` is read from
`https://badges.example.org/public/systems/chicago/did.json`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, unquote, urlsplit

DID_CONTEXTS = [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/jwk/v1",
]
DID_DOCUMENT_NAME = "did.json"


def did_web(origin: str, profile_path: str) -> str:
    """The did:web of the profile whose public documents sit at `profile_path` under
    `origin` (PUBLIC_URL, which may carry a path of its own)."""
    parts = urlsplit(origin)
    host = quote(parts.netloc.lower(), safe="")
    segments = [
        quote(unquote(segment), safe="") for segment in f"{parts.path}{profile_path}".split("/")
    ]
    return ":".join(["did:web", host, *(segment for segment in segments if segment)])


def did_document(did: str, methods: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The DID document: the methods as given (current key first), each one usable for
    assertions (credential proofs) and authentication."""
    ids = [method["id"] for method in methods]
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": list(methods),
        "assertionMethod": ids,
        "authentication": ids,
    }
