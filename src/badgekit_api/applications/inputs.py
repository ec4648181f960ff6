"""Input field types of assessment requests: emails, moments in time, form-friendly flags."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator

from badgekit_api.fields import BlankIsNone

MAX_EMAIL_LENGTH = 255
# MySQL's DATETIME starts at year 1000; refuse earlier years here instead of failing there.
EARLIEST_YEAR = 1000


def _email(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("Invalid email")
    value = value.strip()
    if len(value) > MAX_EMAIL_LENGTH:
        raise ValueError(f"Invalid email: at most {MAX_EMAIL_LENGTH} characters")
    try:
        # Compared without case everywhere (as badge instances do): stored lower-cased.
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValueError("Invalid email") from None


def _in_utc(moment: datetime) -> datetime:
    # A moment without a zone (`2014-05-06T12:24:45`) is read as UTC, as the wire format is.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.astimezone(UTC).year < EARLIEST_YEAR:
        raise ValueError(f"Must be after the year {EARLIEST_YEAR}")
    return moment.astimezone(UTC)


def list_of(kind: str) -> BeforeValidator:
    """A list field's validator: a form empties it with `field=`, JSON with `[]` or null."""

    def check(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return []
        if not isinstance(value, list):
            raise ValueError(f"Must be a list of {kind}")
        return value

    return BeforeValidator(check)


def _flag(value: Any) -> Any:
    # An unticked checkbox sends nothing or ""; either means "no".
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    return value


Email = Annotated[str, BeforeValidator(_email)]
OptionalEmail = Annotated[Email | None, BlankIsNone]
# ISO 8601 (`2014-05-06T12:24:45.000Z`, `2014-05-06`) or unix time in seconds (a number
# too large for seconds is read as milliseconds, what JavaScript's `Date.now()` gives).
Moment = Annotated[datetime, AfterValidator(_in_utc)]
OptionalMoment = Annotated[Moment | None, BlankIsNone]
# true / false, 1 / 0, "true" / "false", "on" / "off"; blank or absent is false.
Flag = Annotated[bool, BeforeValidator(_flag)]


def normalized_email(value: str) -> str | None:
    """`value` as the Email type stores it, or None when it is not an email address."""
    try:
        return _email(value)
    except ValueError:
        return None
