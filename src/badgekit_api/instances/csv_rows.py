"""A bulk award as a spreadsheet: `text/csv` with a header row, one earner a row.

Each row is checked by the same model a single JSON award is (`InstanceCreate`), so an
email or a date is valid here exactly when it is valid there. A bad row is kept with its
reason (the caller decides whether it rejects the batch); a bad file (not UTF-8, no
header, no `email` column, an unknown column, more rows than allowed) is a 400 or a 413
for the whole request. Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

from badgekit_api.errors import BadgeKitError, PayloadTooLarge, ValidationFailed
from badgekit_api.http.body import validate
from badgekit_api.instances.awarding import Grant
from badgekit_api.instances.first_rows import FirstRows
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
    """A CSV body whose shape is checked (its text, header, cells and number of rows).

    Its rows are read, checked and awarded a batch at a time (`checked_rows`), from the
    body's bytes (the request holds them anyway): a checked row costs far more memory than
    its line, and 50,000 of them at once were most of a worker's allowance
    (docs/performance.md, *Bulk awards from a CSV*).
    """

    raw: bytes
    names: tuple[str, ...]
    rows: int  # data rows, blank lines left out


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
    """The CSV body, its shape checked before any row is awarded: a bad file (or one of
    more than `max_rows` rows) is refused as a whole, whatever its rows hold."""
    if not _is_utf8(raw):
        raise _refused("The CSV is not UTF-8 text")
    reader = _reader(raw)
    count = 0
    number = 1
    try:
        names = _header(reader)
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line between rows, or at the end
            if count >= max_rows:
                raise PayloadTooLarge(f"The CSV has more than {max_rows} rows")
            count += 1
    except csv.Error as error:
        raise _refused(f"Malformed CSV at row {number + 1}: {error}") from None
    if not count:
        raise _refused("The CSV has a header but no rows")
    return CsvAwards(raw, tuple(names), count)


# Bytes decoded at a time by the UTF-8 check: the body decoded whole would be another copy
# of it (a str of 4.7 MB for a 4.7 MB file), if only for a moment.
_CHECKED_AT_ONCE = 64 * 1024


def _is_utf8(raw: bytes) -> bool:
    if raw.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), _CHECKED_AT_ONCE):
            decoder.decode(view[start : start + _CHECKED_AT_ONCE])
        decoder.decode(b"", final=True)  # a character cut short at the end
    except UnicodeDecodeError:
        return False
    return True


def checked_rows(awards: CsvAwards) -> Iterator[CsvRow]:
    """Each data row of the file, checked, in order (`read_csv` has read the whole file
    before: its text, header and cells are known to parse)."""
    reader = _reader(awards.raw)
    next(reader)
    names = list(awards.names)
    first_rows = FirstRows()
    for number, cells in enumerate(reader, start=2):
        if any(cell.strip() for cell in cells):
            yield _checked(number, names, cells, first_rows)


_BOM = "\ufeff".encode()
# A line with its ending as it is (`\r\n`, `\n` or `\r`), as a file opened with
# `newline=""` gives them to `csv.reader` (which needs the endings inside quoted cells).
_LINE = re.compile(rb"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _reader(raw: bytes) -> Iterator[list[str]]:
    # The lines decoded one at a time (UTF-8 never has a line break inside a character),
    # not the text whole: a str of it, or `io.StringIO` (four bytes a character), would
    # be another copy of the body held for the whole award.
    start = len(_BOM) if raw.startswith(_BOM) else 0
    lines = (match.group().decode() for match in _LINE.finditer(raw, start))
    return csv.reader(lines, strict=True)


def _checked(number: int, names: list[str], cells: list[str], first_rows: FirstRows) -> CsvRow:
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
    earlier = first_rows.first(award.email, number)
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
