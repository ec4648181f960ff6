"""A list of rows as one JSON array built by the database, whole or one page of it.

Every listing (badges, instances, claim codes) reads the same way: the ids of the rows it
shows, then their documents in id order. A page takes its ids first, through the index,
with `LIMIT :limit OFFSET :offset`, and the documents for those rows alone; its `total`
counts the same ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, Table, bindparam, func, select

from badgekit_api.db.json_sql import as_text, json_array_agg


def json_list(
    table: Table,
    document: Callable[[Any], ColumnElement[Any]],
    where: Sequence[Any],
    *,
    paged: bool,
    label: str,
    through: Any = None,
) -> list[ColumnElement[Any]]:
    """The documents (`document(rows)`) of `table`'s rows matching `where` (over `through`,
    a join from `table`, when the conditions need other tables), in id order, as the JSON
    text column `label`; when `paged`, only the page `:limit`/`:offset` picks, and a
    `total` column."""
    source = table if through is None else through
    if not paged:
        rows = select(document(table)).select_from(source).where(*where)
        return [as_text(json_array_agg(rows, order_by=table.c.id)).label(label)]
    ids = select(table.c.id).select_from(source).where(*where)
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    page = ids.order_by(table.c.id).limit(limit).offset(offset).subquery(f"{label}_page")
    shown = table.alias(f"{label}_paged")
    rows = select(document(shown)).select_from(page.join(shown, shown.c.id == page.c.id))
    total = select(func.count()).select_from(ids.subquery()).scalar_subquery()
    return [as_text(json_array_agg(rows, order_by=shown.c.id)).label(label), total.label("total")]
