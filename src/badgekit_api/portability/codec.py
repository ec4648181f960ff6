"""A column's value in a record and back: datetimes as ISO 8601 in UTC, bytes as base64,
the rest as JSON has them. Reading checks each value against its column (type, length,
whether it may be empty), so a bad record is refused on its own line, before the database
sees it."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Integer, LargeBinary, String, Table
from sqlalchemy.types import TypeDecorator


class BadValue(ValueError):
    """A record's value that its column cannot take."""


def _kind(column: Column[Any]) -> type:
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    for kind in (Boolean, Integer, DateTime, LargeBinary, String):
        if isinstance(column_type, kind):
            return kind
    raise TypeError(f"no record form for column {column} ({column.type})")


def encode(value: Any) -> Any:
    """A database value as a record holds it."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decode(column: Column[Any], value: Any) -> Any:
    """A record's value as the column stores it; BadValue says why it cannot be."""
    if value is None:
        if not column.nullable:
            raise BadValue("must not be null")
        return None
    kind = _kind(column)
    if kind is Boolean:
        if not isinstance(value, bool):
            raise BadValue("must be true or false")
        return value
    if kind is Integer:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadValue("must be an integer")
        if not -(2**63) <= value < 2**63:
            raise BadValue("is out of range")
        return value
    if not isinstance(value, str):
        raise BadValue("must be a string")
    if kind is DateTime:
        return _moment(value)
    if kind is LargeBinary:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise BadValue("must be base64") from None
    if "\x00" in value:
        raise BadValue("must not contain NUL characters")
    length = getattr(column.type, "length", None)
    if length is not None and len(value) > length:
        raise BadValue(f"must be at most {length} characters")
    return value


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue("must be an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def check_codable(table: Table) -> None:
    """Fail loudly (at import time of the exporter) for a column no record can carry."""
    for column in table.columns:
        _kind(column)
