"""Responses whose body is JSON the database wrote, sent on as it is.

A read's resource comes out of its statement as JSON text (`db/json_sql.py`); decoding it
into models only to encode it again was most of a read's CPU. `object_response` wraps such
texts (and small Python values, encoded with orjson) into the envelope object the wire
format gives each answer: `{"badge": <text>}`, `{"badges": <text>, "pageData": {...}}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Response
from fastapi.responses import JSONResponse

from badgekit_api.db.driver import ResultRow
from badgekit_api.http.pagination import Page

MEDIA_TYPE = "application/json"


class JsonTextResponse(JSONResponse):
    """A JSON body written beforehand (`object_response`), sent as it is. As a route's
    `response_class` beside its `response_model`, it has OpenAPI document the model as the
    route's `application/json` answer: FastAPI documents a model only for JSON response
    classes, and a plain `Response` would leave the answer undescribed."""

    def render(self, content: Any) -> bytes:
        if not isinstance(content, bytes):
            raise TypeError("JsonTextResponse sends JSON that is already encoded (bytes)")
        return content


@dataclass(frozen=True, slots=True)
class JsonText:
    """A JSON value as text, already encoded (by the database)."""

    text: str


def object_response(
    members: dict[str, JsonText | Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The JSON object of `members`, in order: texts as they are, other values encoded."""
    parts = []
    for name, value in members.items():
        encoded = value.text.encode() if isinstance(value, JsonText) else orjson.dumps(value)
        parts.append(orjson.dumps(name) + b":" + encoded)
    body = b"{" + b",".join(parts) + b"}"
    return JsonTextResponse(body, status_code=status_code, headers=headers)


def listing_members(
    row: ResultRow, label: str, page: Page | None, **also: JsonText | Any
) -> dict[str, JsonText | Any]:
    """The members of a listing answer: the list's JSON text (the row's column `label`),
    then `also` (say the badge the list belongs to) and, when paginated, `pageData` (with
    the row's `total`)."""
    members: dict[str, JsonText | Any] = {label: JsonText(getattr(row, label)), **also}
    if page is not None:
        members["pageData"] = {"page": page.page, "count": page.count, "total": row.total}
    return members


def page_response(name: str, row: Any, page: Page | None) -> Response:
    """`{name: [...]}` from a `db/listing.listed_documents` row, with `pageData` when paged."""
    return object_response(listing_members(row, name, page))
