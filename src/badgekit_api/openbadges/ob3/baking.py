"""Baking an Open Badges 3.0 credential into its badge image, and reading it back (OB 3.0
section 5.3).

PNG: an uncompressed `iTXt` chunk with keyword `openbadgecredential` holding the compact
VC-JWT, or the JSON of the credential with its embedded proof.
SVG: `<openbadges:credential>` first in the root, the `openbadges` prefix bound to
`https://purl.imsglobal.org/ob/v3p0`; a VC-JWT goes in its `verify` attribute, a JSON
credential in its body as CDATA.
"""

from __future__ import annotations

import json
from typing import Any

from badgekit_api.openbadges.baking import (
    CREDENTIAL,
    PNG,
    PNG_SIGNATURE,
    SVG,
    BakingError,
    bake_png,
    bake_svg,
    unbake_png,
    unbake_svg,
)

KEYWORD = b"openbadgecredential"
NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


def credential_text(credential: str | dict[str, Any]) -> str:
    """What is baked: a VC-JWT as it is, a secured JSON credential as compact JSON."""
    if isinstance(credential, str):
        return credential
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))


def bake_credential(data: bytes, mimetype: str, credential: str | dict[str, Any]) -> bytes:
    """The badge image (PNG or SVG) with the credential baked in."""
    text = credential_text(credential)
    if mimetype == PNG:
        return bake_png(data, text, KEYWORD)
    if mimetype == SVG:
        jwt = isinstance(credential, str)
        return bake_svg(
            data,
            text if jwt else None,
            None if jwt else text,
            element=CREDENTIAL,
            namespace=NAMESPACE,
        )
    raise BakingError(f"{mimetype} images cannot be baked")


def unbake_credential(data: bytes) -> str | None:
    """The credential baked into a PNG or SVG (a compact VC-JWT or JSON text), or None
    when the image holds none. BakingError when the image itself is broken."""
    if data.startswith(PNG_SIGNATURE):
        return unbake_png(data, KEYWORD)
    verify, body = unbake_svg(data, CREDENTIAL)
    return verify or body
