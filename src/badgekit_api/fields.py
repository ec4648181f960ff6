"""Field types shared by request schemas: slugs, URLs, emails, strings with limits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BeforeValidator,
    EmailStr,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)
from starlette.datastructures import UploadFile

SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~-]*$"
# Ids and counts live in INTEGER columns, 32-bit on every database: a bigger number in a
# request is refused (or matches nothing), never sent to a database that would fail on it.
MAX_STORED_INT = 2**31 - 1
MAX_URL_LENGTH = 2048


def _blank_to_none(value: Any) -> Any:
    # Form posts send empty inputs as "": for an optional field that means "not given".
    if isinstance(value, str) and not value.strip():
        return None
    return value


def is_http_url(value: str) -> bool:
    """Whether `value` is a fully qualified http(s) URL, the only kind the API stores."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _check_url(value: str) -> str:
    if not is_http_url(value):
        raise ValueError("Must be a fully qualified http(s) URL, e.g. https://www.example.org")
    return value


def _image_input(value: Any) -> UploadFile | str | None:
    # One validator for both shapes, so a bad value gets one error on the field `image`
    # instead of one per union member with pydantic's internal names in its location.
    value = _blank_to_none(value)
    if value is None or isinstance(value, UploadFile):
        return value
    if not isinstance(value, str):
        raise ValueError("Must be an uploaded image file or the URL of an image")
    value = value.strip()
    if len(value) > MAX_URL_LENGTH:
        raise ValueError(f"URL must be at most {MAX_URL_LENGTH} characters")
    return _check_url(value)


Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=SLUG_PATTERN),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
# What `_check_url` takes, for the OpenAPI document: http or https in any case, a host part
# (no brackets, which `urlsplit` may refuse), no space inside; blanks around are stripped.
URL_PATTERN = r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#\[\]]+[^ ]*?\s*$"
URL_JSON_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "uri",
    "pattern": URL_PATTERN,
    "maxLength": MAX_URL_LENGTH,
}
Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MAX_URL_LENGTH),
    AfterValidator(_check_url),
    WithJsonSchema(URL_JSON_SCHEMA),
]
# Compose with any optional type: `Annotated[int | None, BlankIsNone]`.
BlankIsNone = BeforeValidator(_blank_to_none)
OptionalUrl = Annotated[Url | None, BeforeValidator(_blank_to_none)]
OptionalEmail = Annotated[EmailStr | None, BeforeValidator(_blank_to_none)]
Description = Annotated[str | None, Field(max_length=255)]
# `image`: a file in a multipart body, or a URL in any encoding.
ImageInput = Annotated[UploadFile | str | None, PlainValidator(_image_input)]


MAX_EMAIL_LENGTH = 255
# MySQL's DATETIME starts at year 1000; refuse earlier years here instead of failing there.
EARLIEST_YEAR = 1000


def _earner_email(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("Invalid email")
    value = value.strip()
    if len(value) > MAX_EMAIL_LENGTH:
        raise ValueError(f"Invalid email: at most {MAX_EMAIL_LENGTH} characters")
    try:
        # Earners are matched without case everywhere, so they are stored lower-cased.
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValueError("Invalid email") from None


def normalized_email(value: str) -> str | None:
    """`value` as `EarnerEmail` stores it, or None when it is not an email address."""
    try:
        return _earner_email(value)
    except ValueError:
        return None


def _in_utc(moment: datetime) -> datetime:
    # A moment without a zone (`2014-05-06T12:24:45`) is read as UTC, as the wire format is.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.astimezone(UTC).year < EARLIEST_YEAR:
        raise ValueError(f"Must be after the year {EARLIEST_YEAR}")
    return moment.astimezone(UTC)


# An earner's or reviewer's address, validated and lower-cased.
EarnerEmail = Annotated[
    str,
    BeforeValidator(_earner_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": MAX_EMAIL_LENGTH}),
]
OptionalEarnerEmail = Annotated[EarnerEmail | None, BeforeValidator(_blank_to_none)]
# ISO 8601 (`2014-05-06T12:24:45.000Z`, `2014-05-06`) or unix time in seconds, as a number or
# a string of digits (a number too large for seconds is read as milliseconds, what
# JavaScript's `Date.now()` gives). Blank means not given.
Moment = Annotated[datetime, AfterValidator(_in_utc)]
OptionalMoment = Annotated[Moment | None, BeforeValidator(_blank_to_none)]


RowId = Annotated[int, Field(ge=1, le=MAX_STORED_INT)]
StoredCount = Annotated[int, Field(ge=0, le=MAX_STORED_INT)]


def path_id(text: str) -> int | None:
    """The row id a path segment names, or None when no row can have it (`¹`, `007x`, 2**40)."""
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_STORED_INT)):
        value = int(text)
        if 1 <= value <= MAX_STORED_INT:
            return value
    return None
