"""The answer to a CSV bulk award, written while it is sent.

`{"status": "done", "counts": {...}, "rows": [...]}`: one result a row, in the file's
order. 50,000 rows answer about 10 MB of JSON; built whole (a dict a row, then the
bytes of all of them) it was most of a worker's memory allowance. Here each row's outcome
is kept compact (`RowOutcomes`) and turned into its answer a batch of rows at a time, as
the body goes out.

Every write is done before the first byte is sent. The award runs in the handler, and the
request's session commits when the handler returns, before the response starts (the
session dependency's `scope="function"`, `db/database.py`): a database error in any
batch, or in the commit, is still an answer of its own (the BadgeKit error body, with its
status), and a file that fails `all-or-nothing` writes nothing. Sending then only reads
the outcomes in memory, which cannot fail half-way. (Awarding while sending, or reading
the instances back from the database while sending, would turn such an error into a 201
whose body stops short, and hold a connection for as long as the client takes to read.)
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import orjson
from fastapi.responses import StreamingResponse

from badgekit_api.http.json_text import MEDIA_TYPE
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_url

CREATED, SKIPPED, INVALID = "created", "skipped", "invalid"

# One row's outcome: (row, status, email, and the slug of the earner's assertion or, for
# an invalid row, the reason).
RowOutcome = tuple[int, str, str | None, str | None]


class RowOutcomes:
    """Every row's outcome, in the file's order, a batch of rows at a time.

    A batch is kept as the JSON text of its outcomes, compressed: about 30-45 bytes a row,
    where the text alone took 90 and tuples of strings 280 (docs/performance.md, *Bulk
    awards from a CSV*). zlib's fastest level costs under a millisecond a batch.
    """

    def __init__(self) -> None:
        self.counts = dict.fromkeys((CREATED, SKIPPED, INVALID), 0)
        self._batches: list[bytes] = []

    def add(self, batch: Sequence[RowOutcome]) -> None:
        for outcome in batch:
            self.counts[outcome[1]] += 1
        self._batches.append(zlib.compress(orjson.dumps(batch), 1))

    def batches(self) -> Iterator[list[RowOutcome]]:
        for packed in self._batches:
            yield orjson.loads(zlib.decompress(packed))


def csv_answer(outcomes: RowOutcomes, urls: PublicUrls) -> StreamingResponse:
    """The 201 answer of a CSV award whose rows are all written (and about to commit)."""
    return StreamingResponse(_body(outcomes, urls), status_code=201, media_type=MEDIA_TYPE)


async def _body(outcomes: RowOutcomes, urls: PublicUrls) -> AsyncIterator[bytes]:
    yield b'{"status":"done","counts":' + orjson.dumps(outcomes.counts) + b',"rows":['
    separator = b""
    for batch in outcomes.batches():
        yield separator + b",".join(orjson.dumps(_shown(outcome, urls)) for outcome in batch)
        separator = b","
    yield b"]}"


def _shown(outcome: RowOutcome, urls: PublicUrls) -> dict[str, Any]:
    row, status, email, detail = outcome
    if status == INVALID:
        return {"row": row, "email": email, "status": status, "reason": detail}
    assert detail is not None
    return {
        "row": row,
        "email": email,
        "status": status,
        "slug": detail,
        "assertionUrl": assertion_url(detail, urls),
    }
