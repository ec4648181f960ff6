"""Badge request and response shapes (camelCase on the wire, snake_case in Python)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel

from badgekit_api.containers.schemas import IssuerRead, ProgramRead, SystemRead
from badgekit_api.fields import (
    SLUG_PATTERN,
    BlankIsNone,
    ImageInput,
    Name,
    OptionalUrl,
    RowId,
    StoredCount,
    Url,
)
from badgekit_api.http.pagination import PageData
from badgekit_api.images.service import is_empty_upload
from badgekit_api.list_limits import MaxItems
from badgekit_api.models.badges import MAX_SLUG_LENGTH, MAX_STRAPLINE_LENGTH
from badgekit_api.timestamps import Timestamp

MISSING_IMAGE = "A badge needs an image: upload it as `image` or give `imageUrl`"
# TEXT holds 64 KiB on MySQL, i.e. at least 16k characters of utf8mb4.
MAX_TEXT_LENGTH = 10_000

TimeUnits = Literal["minutes", "hours", "days", "weeks"]
EvidenceType = Literal["URL", "Text", "Photo", "Video", "Sound"]

BadgeSlug = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_SLUG_LENGTH, pattern=SLUG_PATTERN
    ),
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_LENGTH)
]
OptionalText = Annotated[LongText | None, BlankIsNone]
Strapline = Annotated[
    Annotated[str, StringConstraints(max_length=MAX_STRAPLINE_LENGTH)] | None, BlankIsNone
]
Count = Annotated[StoredCount | None, BlankIsNone]
Flag = Annotated[bool | None, BlankIsNone]


def _as_list(value: Any) -> Any:
    """A form sends one value as a plain string and an empty list as nothing or ``""``."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [value]
    return value


def _label_text(value: Any) -> Any:
    # Tags may come back the way we send them: `{"id": 1, "value": "maths"}`.
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def _distinct(labels: list[str]) -> list[str]:
    """Drop blank and repeated labels, keeping the first of each in order."""
    return list(dict.fromkeys(label for label in labels if label))


Label = Annotated[
    str, BeforeValidator(_label_text), StringConstraints(strip_whitespace=True, max_length=255)
]
Labels = Annotated[list[Label], BeforeValidator(_as_list), AfterValidator(_distinct)]


class WireModel(BaseModel):
    """Python names in snake_case, wire names in camelCase; unknown fields are ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        extra="ignore",
        # pydantic-core otherwise keeps the last 16,384 strings it made (a stripped comment,
        # say) in a cache for the life of the worker: 1.2 MB of earners' text after one
        # large CSV award, and none of it ever asked for again.
        cache_strings="none",
    )


class CriterionInput(WireModel):
    """A criterion to add (no `id`) or, on update, one of the badge's criteria to edit."""

    id: Annotated[RowId | None, BlankIsNone] = None
    description: LongText
    required: Flag = False
    note: OptionalText = None


class AlignmentInput(WireModel):
    id: Annotated[RowId | None, BlankIsNone] = None
    name: Name
    url: Url
    description: OptionalText = None


Criteria = Annotated[list[CriterionInput], BeforeValidator(_as_list)]
Alignments = Annotated[list[AlignmentInput], BeforeValidator(_as_list)]
# Counted as stored: labels after blank and repeated ones are dropped.
CRITERIA_LIMIT = MaxItems("max_badge_criteria")
ALIGNMENTS_LIMIT = MaxItems("max_badge_alignments")
CATEGORIES_LIMIT = MaxItems("max_badge_categories")
TAGS_LIMIT = MaxItems("max_badge_tags")


# "Not both left out (or null)": `image` or `imageUrl` must be given. Said with `not`
# rather than `anyOf` of two `required` lists, which client generators turn into two
# classes of one field each.
IMAGE_OR_IMAGE_URL: dict[str, Any] = {
    "not": {"properties": {"image": {"type": "null"}, "imageUrl": {"type": "null"}}}
}


class BadgeCreate(WireModel):
    """A new badge. An image is required too: an `image` upload or URL, or `imageUrl`."""

    # The document says so; the badge service refuses a badge without either.
    model_config = ConfigDict(json_schema_extra=IMAGE_OR_IMAGE_URL)

    slug: Annotated[BadgeSlug | None, BlankIsNone] = None
    name: Name
    strapline: Strapline = None
    earner_description: LongText
    consumer_description: LongText
    issuer_url: OptionalUrl = None
    rubric_url: OptionalUrl = None
    criteria_url: Url
    time_value: Count = None
    time_units: Annotated[TimeUnits | None, BlankIsNone] = None
    evidence_type: Annotated[EvidenceType | None, BlankIsNone] = None
    limit: Count = None
    unique: bool
    type: Name
    archived: Flag = False
    image_url: OptionalUrl = None
    # After `image_url`, whose value its check reads; checked when absent too, so that a
    # badge with neither is refused with the other missing fields, not after them.
    image: Annotated[ImageInput, Field(validate_default=True)] = None
    criteria: Annotated[Criteria, CRITERIA_LIMIT] = []
    alignments: Annotated[Alignments, ALIGNMENTS_LIMIT] = []
    categories: Annotated[Labels, CATEGORIES_LIMIT] = []
    tags: Annotated[Labels, TAGS_LIMIT] = []

    @field_validator("image", mode="after")
    @classmethod
    def _an_image_is_given(cls, image: Any, info: ValidationInfo) -> Any:
        # A refused `imageUrl` is absent from `info.data` and has its own error already.
        no_url = "image_url" in info.data and info.data["image_url"] is None
        if no_url and (image is None or is_empty_upload(image)):
            raise ValueError(MISSING_IMAGE)
        return image


class BadgeUpdate(WireModel):
    """Any subset of the fields: what is absent is left unchanged.

    `criteria` and `alignments` replace the badge's lists when given: items with an `id`
    edit that item, items without one are added, and the badge's items not listed go.
    """

    slug: Annotated[BadgeSlug | None, BlankIsNone] = None
    name: Name | None = None
    strapline: Strapline = None
    earner_description: LongText | None = None
    consumer_description: LongText | None = None
    issuer_url: OptionalUrl = None
    rubric_url: OptionalUrl = None
    criteria_url: Url | None = None
    time_value: Count = None
    time_units: Annotated[TimeUnits | None, BlankIsNone] = None
    evidence_type: Annotated[EvidenceType | None, BlankIsNone] = None
    limit: Count = None
    unique: bool | None = None
    type: Name | None = None
    archived: Flag = None
    image: ImageInput = None
    image_url: OptionalUrl = None
    criteria: Annotated[Criteria | None, CRITERIA_LIMIT] = None
    alignments: Annotated[Alignments | None, ALIGNMENTS_LIMIT] = None
    categories: Annotated[Labels | None, CATEGORIES_LIMIT] = None
    tags: Annotated[Labels | None, TAGS_LIMIT] = None


class CriterionRead(WireModel):
    id: int
    description: str
    required: bool
    note: str | None


class TagRead(WireModel):
    id: int
    value: str


class AlignmentRead(WireModel):
    id: int
    name: str
    url: str
    description: str | None


class BadgeRead(WireModel):
    id: int
    slug: str
    name: str
    strapline: str | None
    earner_description: str
    consumer_description: str
    issuer_url: str | None
    rubric_url: str | None
    time_value: int | None
    time_units: str | None
    evidence_type: str | None
    limit: int | None
    unique: bool
    created: Timestamp
    image_url: str | None
    type: str
    archived: bool
    system: SystemRead
    issuer: IssuerRead | None
    program: ProgramRead | None
    criteria_url: str
    criteria: list[CriterionRead]
    alignments: list[AlignmentRead]
    categories: list[str]
    tags: list[TagRead]
    milestones: list[dict[str, Any]]


class BadgeEnvelope(WireModel):
    badge: BadgeRead


class BadgeChanged(WireModel):
    status: Literal["created", "updated", "deleted"]
    badge: BadgeRead


class BadgeList(WireModel):
    badges: list[BadgeRead]
    page_data: PageData | None = None


class BadgeClassLink(WireModel):
    location: str


class PublicBadgeList(WireModel):
    badgelist: list[BadgeClassLink]
