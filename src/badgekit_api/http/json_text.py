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

MEDIA_TYPE = "application/json"


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
    return Response(body, status_code=status_code, headers=headers, media_type=MEDIA_TYPE)
