"""Badge instance request and response shapes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from badgekit_api.badges.schemas import BadgeRead, OptionalText, WireModel
from badgekit_api.errors import ValidationFailed
from badgekit_api.fields import (
    SLUG_PATTERN,
    BlankIsNone,
    EarnerEmail,
    OptionalMoment,
    OptionalUrl,
    normalized_email,
)
from badgekit_api.http.pagination import PageData
from badgekit_api.timestamps import Timestamp

MAX_INSTANCE_SLUG_LENGTH = 64
MAX_EVIDENCE_ITEMS = 50


def _listed(value: Any) -> Any:
    """A form sends one item as a plain value and an empty list as nothing or ``""``."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [value]
    return value


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


class AwardEvidenceInput(WireModel):
    """One piece of evidence for the award: a link, a narrative, or both."""

    url: OptionalUrl = None
    narrative: OptionalText = None

    @model_validator(mode="after")
    def _not_empty(self) -> AwardEvidenceInput:
        if self.url is None and self.narrative is None:
            raise ValueError("Evidence needs a `url`, a `narrative` or both")
        return self


EvidenceList = Annotated[
    list[AwardEvidenceInput], BeforeValidator(_listed), Field(max_length=MAX_EVIDENCE_ITEMS)
]


class AwardDetails(WireModel):
    """What an award may say besides who earns it."""

    issued_on: OptionalMoment = None
    expires: OptionalMoment = None
    comment: OptionalText = None

    @field_validator("expires")
    @classmethod
    def _expires_after_issue(cls, expires: datetime | None, info: ValidationInfo) -> Any:
        issued_on = info.data.get("issued_on") or datetime.now(UTC)
        if expires is not None and expires <= issued_on:
            raise ValueError("`expires` must be later than `issuedOn`")
        return expires


class InstanceCreate(AwardDetails):
    email: EarnerEmail
    claim_code: ClaimCodeInput = None
    slug: Annotated[InstanceSlug | None, BlankIsNone] = None
    evidence: EvidenceList = []


def _a_list(value: Any) -> Any:
    # The original refused anything but an array here, a single address included.
    if not isinstance(value, list):
        raise ValueError("Must be a list of email addresses")
    return value


class BulkInstanceCreate(AwardDetails):
    """Many earners at once; each email is checked before anything is written."""

    # Items are checked together below, so that every bad address is named in one answer.
    emails: Annotated[
        list[Annotated[Any, WithJsonSchema({"type": "string", "format": "email"})]],
        BeforeValidator(_a_list),
        Field(min_length=1),
    ]

    @model_validator(mode="after")
    def _valid_addresses(self) -> BulkInstanceCreate:
        """Every address lower-cased, or a 400 listing each bad one as the original did:
        `{"field": "email", "value": ...}`, with its place in the list as `index`."""
        addresses = [normalized_email(item) for item in self.emails]
        refused = [
            {
                "field": "email",
                "value": item if isinstance(item, str | int | float) else None,
                "message": "Invalid email",
                "index": index,
            }
            for index, (item, address) in enumerate(zip(self.emails, addresses, strict=True))
            if address is None
        ]
        if refused:
            # Not a ValueError: pydantic lets it through, and it becomes the 400 as it is.
            raise ValidationFailed(refused)
        self.emails = addresses
        return self


class RevokeInput(WireModel):
    reason: OptionalText = None


class AwardEvidenceRead(WireModel):
    url: str | None
    narrative: str | None


class InstanceRead(WireModel):
    slug: str
    email: str
    expires: Timestamp | None
    issued_on: Timestamp
    claim_code: str | None
    assertion_url: str
    # Added: the award's Open Badges 3.0 credential (`?v=3` of the assertion URL).
    credential_url: str
    badge: BadgeRead
    evidence: list[AwardEvidenceRead]
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


class CsvRowCounts(WireModel):
    created: int
    skipped: int
    invalid: int


class CsvRowResult(WireModel):
    """One row of a CSV award: created or skipped (with the assertion the earner holds),
    or invalid (with the reason)."""

    row: int
    email: str | None  # None: an invalid row too short to reach the `email` column
    status: Literal["created", "skipped", "invalid"]
    slug: str | None = None
    assertion_url: str | None = None
    reason: str | None = None


class CsvBulkIssued(WireModel):
    """The answer to a `text/csv` bulk award: a result per row, in the file's order."""

    status: Literal["done"]
    counts: CsvRowCounts
    rows: list[CsvRowResult]
