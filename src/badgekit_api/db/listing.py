"""A list of documents as one JSON array built by the database: the whole list, or the page
that `page` and `count` ask for with its total, as columns of one statement.

A listing's reading (`scopes/start.Reading`) gives these columns; `PagedReading` is the
reading of a list that may be paged, and `http/json_text.page_response` the answer made
of its row.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, Integer, Table, bindparam, func, select

from badgekit_api.db.json_sql import as_text, json_array_agg
from badgekit_api.http.pagination import page_of
from badgekit_api.scopes.start import Reading

Document = Callable[[Any], ColumnElement[Any]]


def listed_documents(
    table: Table,
    conditions: Sequence[ColumnElement[bool]],
    document: Document,
    *,
    label: str,
    paged: bool,
    order: Callable[[Any], list[ColumnElement[Any]]] = lambda rows: [rows.c.id],
) -> list[ColumnElement[Any]]:
    """The `document` of each row of `table` meeting `conditions`, in `order` (which ends
    on a unique column), as JSON text labelled `label`; when `paged`, only the rows from
    the statement parameters `offset` and `limit`, and their `total` beside them."""
    if not paged:
        shown = json_array_agg(select(document(table)).where(*conditions), order_by=order(table))
        return [as_text(shown).label(label)]
    # The page's ids first (through the indexes), then the documents of those rows alone.
    ids = select(table.c.id).where(*conditions)
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    page = ids.order_by(*order(table)).limit(limit).offset(offset).subquery(f"{label}_page")
    rows = table.alias(f"{label}_paged")
    shown = json_array_agg(
        select(document(rows)).select_from(page.join(rows, rows.c.id == page.c.id)),
        order_by=order(rows),
    )
    total = select(func.count()).select_from(ids.subquery()).scalar_subquery()
    return [as_text(shown).label(label), total.label("total")]


class PagedReading(Reading):
    """The reading of a list that `page` and `count` may page. Subclasses say what their
    `variant` adds (filters) through `filters` and give the columns."""

    def variant(self, request: Request) -> Hashable:
        return (page_of(request) is not None, self.filters(request))

    def filters(self, request: Request) -> Hashable:
        """The part of the statement's shape the query string decides, besides paging."""
        return None

    def params(self, request: Request, variant: Any) -> dict[str, Any]:
        values = self.filter_params(request, variant[1])
        page = page_of(request)
        if page is not None:
            values.update(limit=page.count, offset=page.offset)
        return values

    def filter_params(self, request: Request, filters: Any) -> dict[str, Any]:
        return {}
