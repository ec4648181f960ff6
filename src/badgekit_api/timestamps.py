"""Timestamps on the wire: ISO 8601 in UTC with milliseconds, as the original sent them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainSerializer


def iso_millis(moment: datetime) -> str:
    """`2014-05-21T19:22:09.000Z` (naive datetimes are taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


Timestamp = Annotated[datetime, PlainSerializer(iso_millis, return_type=str)]
