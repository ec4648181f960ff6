"""JSON-LD contexts and small value formats shared by the Open Badges documents."""

from __future__ import annotations

import hashlib
from datetime import datetime

CONTEXT_V2 = "https://w3id.org/openbadges/v2"


def identity_hash(identity: str, salt: str = "") -> str:
    """`sha256$<hex>` of the identity followed by its salt (Open Badges IdentityHash)."""
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def unix_seconds(moment: datetime) -> int:
    """Open Badges 1.0 dates: whole seconds since the epoch."""
    return int(moment.timestamp())
