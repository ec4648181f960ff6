"""Reading an export line by line: each line must be a record this server's tables can take,
and point only at rows of earlier lines. Every refusal names its line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Table

from badgekit_api.portability import codec
from badgekit_api.portability.records import BY_NAME, BY_TABLE, FORMAT, VERSION, RecordType

_NAMES = list(BY_NAME)
_POSITIONS = {name: position for position, name in enumerate(_NAMES)}


class BadLine(ValueError):
    """A line of the file that cannot be imported; `str()` names the line and why."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def _parse(number: int, raw: bytes) -> dict[str, Any]:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise BadLine(number, f"not JSON ({error})") from None
    if not isinstance(value, dict):
        raise BadLine(number, "a record must be a JSON object")
    return value


def check_header(number: int, raw: bytes) -> str:
    """The system the export holds, from its first line."""
    header = _parse(number, raw)
    if header.get("type") != "export" or header.get("format") != FORMAT:
        raise BadLine(number, f"not a {FORMAT} file (its first line must be the export header)")
    if header.get("version") != VERSION:
        raise BadLine(
            number,
            f"export version {header.get('version')!r}; this server reads version {VERSION}",
        )
    system = header.get("system")
    if not isinstance(system, str) or not system:
        raise BadLine(number, "the header names no system")
    return system


def _key(table: Table, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[column.name] for column in table.primary_key.columns)


@dataclass
class Reader:
    """Checks records in file order, remembering the keys of the rows seen so far."""

    seen: dict[str, set[tuple[Any, ...]]] = field(default_factory=dict)
    last_type: int = -1

    def record(self, number: int, raw: bytes) -> tuple[RecordType, dict[str, Any]]:
        """The line's record type and its row, as the table takes it."""
        record = _parse(number, raw)
        name = record.get("type")
        record_type = BY_NAME.get(name) if isinstance(name, str) else None
        if record_type is None:
            raise BadLine(number, f"unknown record type {name!r}")
        if set(record) != {"type", "row"} or not isinstance(record["row"], dict):
            raise BadLine(number, 'a record is {"type": ..., "row": {...}} and nothing else')
        row = self._row(number, record_type, record["row"])
        self._check_order(number, record_type)
        self._check_references(number, record_type, row)
        key = _key(record_type.table, row)
        seen = self.seen.setdefault(record_type.table.name, set())
        if key in seen:
            raise BadLine(number, f"{name} {_shown(key)} appears twice")
        seen.add(key)
        return record_type, row

    def _row(self, number: int, record_type: RecordType, record: dict[str, Any]) -> dict[str, Any]:
        table = record_type.table
        unknown = sorted(set(record) - set(table.columns.keys()))
        if unknown:
            raise BadLine(number, f"{record_type.name}: unknown field(s) {', '.join(unknown)}")
        row: dict[str, Any] = {}
        for column in table.columns:
            if column.name not in record:
                if column.nullable and not column.primary_key:
                    row[column.name] = None
                    continue
                raise BadLine(number, f"{record_type.name}: field `{column.name}` is missing")
            try:
                row[column.name] = codec.decode(column, record[column.name])
            except codec.BadValue as problem:
                raise BadLine(number, f"{record_type.name}: `{column.name}` {problem}") from None
        return row

    def _check_order(self, number: int, record_type: RecordType) -> None:
        position = _POSITIONS[record_type.name]
        if position < self.last_type:
            raise BadLine(
                number,
                f"{record_type.name} records must come before {_NAMES[self.last_type]} records",
            )
        self.last_type = position
        if record_type.name not in ("image", "system") and not self.seen.get("systems"):
            raise BadLine(number, "the system record must come before its content")

    def _check_references(self, number: int, record_type: RecordType, row: dict[str, Any]) -> None:
        for column in record_type.table.columns:
            value = row[column.name]
            if value is None:
                continue
            for foreign_key in column.foreign_keys:
                target = foreign_key.column.table.name
                if (value,) not in self.seen.get(target, set()):
                    shown = BY_TABLE[target].name if target in BY_TABLE else target
                    raise BadLine(
                        number,
                        f"{record_type.name}: `{column.name}` names {shown} {value}, "
                        "which no earlier line holds",
                    )

    def check_system(self, number: int, system: str, row: dict[str, Any]) -> None:
        """The one system record must be the one the header names."""
        if self.seen.get("systems") and len(self.seen["systems"]) > 1:
            raise BadLine(number, "an export holds one system")
        if row["slug"] != system:
            raise BadLine(number, f"system `{row['slug']}`, but the header names `{system}`")


def _shown(key: tuple[Any, ...]) -> str:
    return str(key[0]) if len(key) == 1 else "(" + ", ".join(str(part) for part in key) + ")"
