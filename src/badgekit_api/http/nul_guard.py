"""Refuse NUL characters in the URL before any route runs (`http/edge.py` asks).

PostgreSQL can neither store nor compare a text value holding NUL (U+0000): a slug, email
or query value with `%00` in it would end in a database error, a 500. No BadgeKit value
may contain one, so the request is answered 400 on every database alike. Bodies are
checked where they are validated (`body.validate`).
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from starlette.responses import JSONResponse
from starlette.types import Scope

from badgekit_api.errors import ValidationFailed

NUL = "\x00"
MESSAGE = "Must not contain NUL characters"


def nul_in_url(scope: Scope) -> str | None:
    """`path` or `query` when that part of the request URL holds a NUL, else None."""
    if NUL in scope.get("path", ""):
        return "path"
    query: bytes = scope.get("query_string", b"")
    if query and (b"\x00" in query or NUL in unquote_plus(query.decode("latin-1"))):
        return "query"
    return None


def nul_answer(part: str) -> JSONResponse:
    """The 400 for a URL whose `part` holds a NUL."""
    error = ValidationFailed.field(part, None, MESSAGE)
    return JSONResponse(error.body(), status_code=error.status_code)


def fields_with_nul(data: object, field: str = "") -> list[str]:
    """The dotted names of the string values in a parsed body that hold a NUL."""
    if isinstance(data, str):
        return [field or "body"] if NUL in data else []
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)  # type: ignore[assignment]
    else:
        return []
    return [
        found
        for key, value in items
        for found in fields_with_nul(value, f"{field}.{key}" if field else str(key))
    ]
