"""`page` / `count` query parameters and the `pageData` they produce."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.errors import InvalidParameter

T = TypeVar("T")

# The largest row offset a page may start at: it fits every database's integer types (a
# larger `(page - 1) * count` overflowed one: a 500), and no list here comes near it.
MAX_OFFSET = 2**31 - 1
# Longer digit strings are refused before int() reads them: Python refuses to convert more
# than 4,300 digits with a ValueError, and no real page number has more than ten.
_MAX_DIGITS = 10


class PageData(BaseModel):
    page: int
    count: int
    total: int


@dataclass(frozen=True, slots=True)
class Page:
    page: int
    count: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.count


def _positive(name: str, value: str | None) -> int | None:
    if value is None or value == "":
        return None
    # isdigit() alone takes `¹` or `²`, which int() refuses.
    digits = value.lstrip("0")
    if not (value.isascii() and value.isdigit()) or not digits:
        raise InvalidParameter(name, f"`{name}` must be a positive integer")
    if len(digits) > _MAX_DIGITS:
        raise InvalidParameter(name, f"`{name}` is too large")
    return int(digits)


async def page_params(  # async: no thread hop (see urls.py)
    request: Request,
    page: Annotated[str | None, Query(description="Page of results to return (from 1)")] = None,
    count: Annotated[str | None, Query(description="Results per page")] = None,
) -> Page | None:
    """A page when both `page` and `count` are given (as the original), else the full list.

    Each is checked on its own, given alone too, against the bounds the OpenAPI document
    states: every `page` and `count` within them make an offset the databases can take."""
    return _page(request, page, count)


def page_of(request: Request) -> Page | None:
    """`page_params` for code that reads the query string itself (a start statement's
    reading, which runs before the route's parameters are parsed)."""
    query = request.query_params
    return _page(request, query.get("page"), query.get("count"))


def _page(request: Request, page: str | None, count: str | None) -> Page | None:
    page_number, per_page = _positive("page", page), _positive("count", count)
    limit: int = request.app.state.settings.max_page_count
    if per_page is not None and per_page > limit:
        raise InvalidParameter("count", f"`count` must be at most {limit}")
    last = last_page(limit)
    if page_number is not None and page_number > last:
        raise InvalidParameter("page", f"`page` must be at most {last}")
    if page_number is None or per_page is None:
        return None
    return Page(page_number, per_page)


def page_bounds(request: Request) -> dict[str, int]:
    """The `limit` and `offset` of the page the request asks for (none: the whole list),
    the parameters of a listing built by `db/listing.listed_documents`."""
    page = page_of(request)
    return {} if page is None else {"limit": page.count, "offset": page.offset}


def last_page(max_page_count: int) -> int:
    """The largest `page` accepted: its offset fits MAX_OFFSET even at the largest `count`."""
    return MAX_OFFSET // max_page_count + 1


PageDep = Annotated[Page | None, Depends(page_params)]


async def fetch_page(
    session: AsyncSession, statement: Select[Any], page: Page | None
) -> tuple[list[Any], PageData | None]:
    """Run `statement` for one page (or all rows) and count the total when paginating."""
    if page is None:
        return list((await session.scalars(statement)).unique()), None
    total = await session.scalar(count_of(statement))
    rows = await session.scalars(statement.limit(page.count).offset(page.offset))
    return list(rows.unique()), PageData(page=page.page, count=page.count, total=total or 0)


async def fetch_row_page(
    session: AsyncSession, statement: Select[Any], params: dict[str, Any], page: Page | None
) -> tuple[list[Row[Any]], PageData | None]:
    """`fetch_page` for a Core statement of plain rows, run with `params`."""
    if page is None:
        return list(await session.execute(statement, params)), None
    total = await session.scalar(count_of(statement), params)
    rows = await session.execute(statement.limit(page.count).offset(page.offset), params)
    return list(rows), PageData(page=page.page, count=page.count, total=total or 0)


def count_of(statement: Select[Any]) -> Select[int]:
    """How many rows `statement` gives (the `total` of `pageData`)."""
    return select(func.count()).select_from(statement.order_by(None).subquery())
