"""The original's values as this server stores them, and the rules for those it cannot
take as they are (docs/import-original.md lists every rule)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import email_validator

from badgekit_api.fields import MAX_EMAIL_LENGTH, normalized_email
from badgekit_api.openbadges.formats import identity_hash


def moment(value: Any) -> datetime | None:
    """A TIMESTAMP as read (naive UTC), or None for NULL and for what is no moment: the
    `0000-00-00 00:00:00` the original wrote in non-strict SQL mode reads as a string."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return None


def is_zero_date(value: Any) -> bool:
    """Set, but not a moment (a zero date, or anything else the driver could not read)."""
    return value is not None and not isinstance(value, datetime)


# Addresses of the plainest form: ASCII letters, digits and `._%+-` before the @ (no dot at
# either end or twice), and a dotted name of letter-digit-hyphen labels ending in letters.
# Every one of them that passes the two checks of `_plain_email` is valid for the validator
# too, and normalises to itself lower-cased; checking them here instead costs a hundredth
# of the validator's time (which is half of an import's).
_PLAIN = re.compile(
    r"[A-Za-z0-9%+_-]+(?:\.[A-Za-z0-9%+_-]+)*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
MAX_LOCAL_PART = 64
# RFC 5321's limit, which the validator applies (the field's own limit is 255).
MAX_ADDRESS = min(MAX_EMAIL_LENGTH, 254)


def _plain_email(value: str) -> str | None:
    """`value` lower-cased when it is a plain address the validator accepts, else None
    (then the validator decides)."""
    if len(value) > MAX_ADDRESS or not _PLAIN.fullmatch(value):
        return None
    local, _, domain = value.lower().rpartition("@")
    if len(local) > MAX_LOCAL_PART or "--" in domain:  # `ab--` labels: IDNA rules apply
        return None
    special = email_validator.SPECIAL_USE_DOMAIN_NAMES
    if any(domain == name or domain.endswith("." + name) for name in special):
        return None
    return f"{local}@{domain}"


def normalized(value: str) -> str | None:
    """`normalized_email(value)`, quicker for the plain addresses most earners have."""
    return _plain_email(value) or normalized_email(value)


@dataclass(frozen=True, slots=True)
class Earner:
    """An email as this server stores it, and the 1.0 recipient the original published."""

    email: str
    valid: bool
    published_identity: str | None  # set only when it differs from the hash of `email`


def earner(legacy_email: str) -> Earner:
    """The original hashed the address exactly as stored; this server stores addresses
    normalised and lower-cased. When the two hashes differ the original's is kept, so the
    assertions earners shared verify as before. An address the validator refuses is kept
    as it was stored (lower-cased, trimmed), for the same reason."""
    normal = normalized(legacy_email)
    email = normal if normal is not None else legacy_email.strip().lower()
    original = identity_hash(legacy_email)
    return Earner(email, normal is not None, original if original != identity_hash(email) else None)


def learner_email(legacy_email: str) -> tuple[str, bool]:
    """An applicant's or claimer's address: normalised when valid, else kept as stored."""
    normal = normalized(legacy_email)
    return (normal, True) if normal is not None else (legacy_email, False)


def fits(value: str | None, length: int) -> bool:
    return value is None or len(value) <= length
