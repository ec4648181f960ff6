"""The answer of a list read by `db/listing.listed_documents`: the JSON the database wrote,
in its envelope, with `pageData` when paged."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from badgekit_api.http.json_text import JsonText, object_response
from badgekit_api.http.pagination import Page


def page_response(name: str, row: Any, page: Page | None) -> Response:
    """`{name: [...]}` from a `listed_documents` row, with `pageData` when paged."""
    members: dict[str, object] = {name: JsonText(getattr(row, name))}
    if page is not None:
        members["pageData"] = {"page": page.page, "count": page.count, "total": row.total}
    return object_response(members)
