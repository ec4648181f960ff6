"""Badge instance request and response shapes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from badgekit_api.badges.schemas import BadgeRead, OptionalText, WireModel
from badgekit_api.fields import SLUG_PATTERN, BlankIsNone, OptionalUrl
from badgekit_api.pagination import PageData
from badgekit_api.timestamps import Timestamp

MAX_INSTANCE_SLUG_LENGTH = 64
MAX_EVIDENCE_ITEMS = 50
_UNIX_SECONDS = re.compile(r"^\d{1,12}(\.\d+)?$")
# MySQL's DATETIME starts in year 1000; unix time in 1970. Later than 9999 is a typo
# (usually milliseconds given as seconds).
_EARLIEST, _LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)


def _listed(value: Any) -> Any:
    """A form sends one item as a plain value and an empty list as nothing or ``""``."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [value]
    return value


def _moment(value: Any) -> datetime | None:
    """An ISO 8601 timestamp, or unix seconds given as a number or a string of digits."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("Must be an ISO 8601 timestamp or unix seconds")
    if isinstance(value, int | float) or (isinstance(value, str) and _UNIX_SECONDS.match(value)):
        try:
            moment = datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError("Timestamp is out of range") from None
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("Must be an ISO 8601 timestamp or unix seconds") from None
    else:
        raise ValueError("Must be an ISO 8601 timestamp or unix seconds")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not _EARLIEST <= moment <= _LATEST:
        raise ValueError("Timestamp is out of range (years 1970 to 9999)")
    return moment.astimezone(UTC)


# Emails compare without case: stored and looked up lower-cased.
Email = Annotated[EmailStr, AfterValidator(str.lower)]
Moment = Annotated[datetime | None, BeforeValidator(_moment)]
InstanceSlug = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=MAX_INSTANCE_SLUG_LENGTH,
        pattern=SLUG_PATTERN,
    ),
]
ClaimCodeInput = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)] | None,
    BlankIsNone,
]


class EvidenceInput(WireModel):
    """One piece of evidence for the award: a link, a narrative, or both."""

    url: OptionalUrl = None
    narrative: OptionalText = None

    @model_validator(mode="after")
    def _not_empty(self) -> EvidenceInput:
        if self.url is None and self.narrative is None:
            raise ValueError("Evidence needs a `url`, a `narrative` or both")
        return self


EvidenceList = Annotated[
    list[EvidenceInput], BeforeValidator(_listed), Field(max_length=MAX_EVIDENCE_ITEMS)
]


class AwardDetails(WireModel):
    """What an award may say besides who earns it."""

    issued_on: Moment = None
    expires: Moment = None
    comment: OptionalText = None

    @field_validator("expires")
    @classmethod
    def _expires_after_issue(cls, expires: datetime | None, info: ValidationInfo) -> Any:
        issued_on = info.data.get("issued_on") or datetime.now(UTC)
        if expires is not None and expires <= issued_on:
            raise ValueError("`expires` must be later than `issuedOn`")
        return expires


class InstanceCreate(AwardDetails):
    email: Email
    claim_code: ClaimCodeInput = None
    slug: Annotated[InstanceSlug | None, BlankIsNone] = None
    evidence: EvidenceList = []


class BulkInstanceCreate(AwardDetails):
    """Many earners at once; each email is checked before anything is written."""

    emails: Annotated[list[Email], BeforeValidator(_listed), Field(min_length=1)]


class RevokeInput(WireModel):
    reason: OptionalText = None


class EvidenceRead(WireModel):
    url: str | None
    narrative: str | None


class InstanceRead(WireModel):
    slug: str
    email: str
    expires: Timestamp | None
    issued_on: Timestamp
    claim_code: str | None
    assertion_url: str
    badge: BadgeRead
    evidence: list[EvidenceRead]
    comment: str | None


class InstanceEnvelope(WireModel):
    instance: InstanceRead


class InstanceChanged(WireModel):
    status: Literal["created", "deleted"]
    instance: InstanceRead


class InstanceList(WireModel):
    instances: list[InstanceRead]
    page_data: PageData | None = None


class SkippedEarner(WireModel):
    """An earner who already held the badge, and the assertion they hold."""

    email: str
    assertion_url: str


class BulkIssued(WireModel):
    status: Literal["created"]
    instances: list[InstanceRead]
    skipped: list[SkippedEarner]
