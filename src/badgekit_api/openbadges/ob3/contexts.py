"""The JSON-LD contexts an Open Badges 3.0 credential names, served from this package.

Nothing is fetched from the network: canonicalising a credential (to sign or to verify a
Data Integrity proof) resolves each context URL to a file shipped in `contexts/`, whose
SHA-256 is pinned here, and refuses any other URL. A context that changed on disk, or a
URL outside this list, is an error, never a download: a remote context could change what
a signed credential means.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from typing import Any

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

CREDENTIAL_CONTEXT = [VC_V2, OB_V3]


# URL -> (file in contexts/, SHA-256 of its bytes). The files are the documents published
# at these URLs (the OB 3.0 one as of the 3.0.3 errata that added `jti` and
# `endorsementJwt`); contexts/README.md says where each copy came from.
PINNED: dict[str, tuple[str, str]] = {
    VC_V2: (
        "credentials-v2.json",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    OB_V3: (
        "ob-v3p0-context-3.0.3.json",
        "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84",
    ),
    DATA_INTEGRITY_V2: (
        "security-data-integrity-v2.json",
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
    ),
    MULTIKEY_V1: (
        "security-multikey-v1.json",
        "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
    ),
}


class UnknownContext(Exception):
    """A JSON-LD context URL this package does not ship (it is never fetched)."""


class ContextChanged(Exception):
    """A shipped context file no longer has its pinned SHA-256."""


@functools.cache
def context_document(url: str) -> dict[str, Any]:
    """The shipped JSON-LD document of a context URL, checked against its pin."""
    pinned = PINNED.get(url)
    if pinned is None:
        raise UnknownContext(f"JSON-LD context {url!r} is not shipped with badgekit-api")
    file, sha256 = pinned
    data = resources.files(__package__).joinpath("contexts", file).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ContextChanged(f"the shipped context {file} does not have its pinned SHA-256")
    document: dict[str, Any] = json.loads(data)
    return document


def document_loader(url: str, options: Any = None) -> dict[str, Any]:  # noqa: ARG001 - pyld passes its options
    """A pyld document loader that answers only the shipped contexts."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}
