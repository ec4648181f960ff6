"""A bulk award as a spreadsheet: `text/csv` with a header row, one earner a row.

Each row is checked by the same model a single JSON award is (`InstanceCreate`), so an
email or a date is valid here exactly when it is valid there. A bad row is kept with its
reason (the caller decides whether it rejects the batch); a bad file (not UTF-8, no
header, no `email` column, an unknown column, more rows than allowed) is a 400 or a 413
for the whole request. Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from badgekit_api.errors import BadgeKitError, PayloadTooLarge, ValidationFailed
from badgekit_api.http.body import validate
from badgekit_api.instances.awarding import Grant
from badgekit_api.instances.schemas import InstanceCreate

COLUMNS = ("email", "issuedOn", "expires", "comment", "evidenceUrl", "evidenceNarrative")
CSV_MEDIA_TYPE = "text/csv"


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: its grant when valid, else the reason it is not."""

    row: int
    email: str | None
    grant: Grant | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class CsvAwards:
    rows: list[CsvRow]


def _refused(message: str, value: object = None) -> ValidationFailed:
    return ValidationFailed.field("body", value, message)


def _header(reader: Iterator[list[str]]) -> list[str]:
    try:
        names = [name.strip() for name in next(reader)]
    except StopIteration:
        raise _refused("The CSV is empty: it needs a header row naming an `email` column") from None
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise ValidationFailed(
            [
                {"field": "header", "value": name, "message": f"Unknown column (use {COLUMNS})"}
                for name in unknown
            ]
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise _refused("A column is named twice in the header", ", ".join(repeated))
    if "email" not in names:
        raise _refused("The CSV header has no `email` column", ",".join(names))
    return names


def read_csv(raw: bytes, max_rows: int) -> CsvAwards:
    """The rows of a CSV body, each checked; at most `max_rows` of them are read."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused("The CSV is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    first_row_of: dict[str, int] = {}
    number = 1
    try:
        names = _header(reader)
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # a blank line between rows, or at the end
            if len(rows) >= max_rows:
                raise PayloadTooLarge(f"The CSV has more than {max_rows} rows")
            rows.append(_checked(number, names, cells, first_row_of))
    except csv.Error as error:
        raise _refused(f"Malformed CSV at row {number + 1}: {error}") from None
    if not rows:
        raise _refused("The CSV has a header but no rows")
    return CsvAwards(rows)


def _checked(
    number: int, names: list[str], cells: list[str], first_row_of: dict[str, int]
) -> CsvRow:
    at = names.index("email")
    raw_email = cells[at].strip() if len(cells) > at else None
    if len(cells) != len(names):
        reason = f"Has {len(cells)} cells; the header has {len(names)}"
        return CsvRow(number, raw_email, reason=reason)
    values = dict(zip(names, cells, strict=True))
    data: dict[str, object] = {
        name: values[name] for name in ("email", "issuedOn", "expires", "comment") if name in values
    }
    url, narrative = values.get("evidenceUrl", ""), values.get("evidenceNarrative", "")
    if url.strip() or narrative.strip():
        data["evidence"] = [{"url": url, "narrative": narrative}]
    try:
        award = validate(InstanceCreate, data)
    except BadgeKitError as error:
        return CsvRow(number, raw_email, reason=_reason(error))
    earlier = first_row_of.setdefault(award.email, number)
    if earlier != number:
        return CsvRow(number, award.email, reason=f"Same email as row {earlier}")
    grant = Grant(
        email=award.email,
        issued_on=award.issued_on,
        expires=award.expires,
        comment=award.comment,
        evidence=tuple((item.url, item.narrative) for item in award.evidence),
    )
    return CsvRow(number, award.email, grant=grant)


_COLUMN_OF = {
    "evidence.0": "evidence",
    "evidence.0.url": "evidenceUrl",
    "evidence.0.narrative": "evidenceNarrative",
}


def _reason(error: BadgeKitError) -> str:
    """`column: message` for each refused field, in the column names of the CSV."""
    details = error.details if isinstance(error.details, list) else []
    parts = [
        f"{_COLUMN_OF.get(str(detail.get('field')), detail.get('field'))}: {detail.get('message')}"
        for detail in details
    ]
    return "; ".join(parts) or error.message
