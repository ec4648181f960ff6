"""A claim code as the wire shows it, written by the database: the one read path for
claim codes.

`code_document(codes)` is the code row's wire object (`ClaimCodeRead`). A badge's codes,
one code, a code's lookup under a container, and the answers of creating, deleting and
claiming a code all come from here, each beside its badge from `badges/queries.py`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from fastapi import Request
from sqlalchemy import Boolean, ColumnElement, Table, and_, bindparam, not_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.queries import BADGES, badge_by_id, badge_document, named_badge_id
from badgekit_api.db.json_sql import as_text, json_object
from badgekit_api.db.listing import listed_documents
from badgekit_api.http.pagination import page_bounds, page_of
from badgekit_api.models import ClaimCode
from badgekit_api.scopes.containers import container_id, owned_by_named
from badgekit_api.scopes.start import Reading

CODES: Table = ClaimCode.__table__  # type: ignore[assignment]


def code_document(codes: Any = CODES) -> ColumnElement[Any]:
    """The wire object of the claim code row `codes` (the table or an alias of it)."""
    c = codes.c
    return json_object(
        {
            "id": c.id,
            "code": c.code,
            "claimed": c.claimed,
            "email": c.email,
            "multiuse": c.multiuse,
        }
    )


class BadgeCodes(Reading):
    """The codes of the badge `{badge_slug}` (in the URL's container or below), oldest
    first, the page that `page` and `count` ask for or all of them: `claimCodes` (JSON
    text), `badge` (JSON text, NULL when the URL names no badge) and `total` (when paged)."""

    def variant(self, request: Request) -> Hashable:
        return page_of(request) is not None

    def params(self, request: Request, variant: Any) -> dict[str, Any]:
        return page_bounds(request)

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        badge_id = named_badge_id(depth)
        codes = listed_documents(
            CODES, [CODES.c.badge_id == badge_id], code_document, paged=variant, label="claimCodes"
        )
        return [badge_by_id(badge_id).label("badge"), *codes]


BADGE_CODES = BadgeCodes()


class OneCode(Reading):
    """The code `{code}` of the badge `{badge_slug}`: `badge` and `claimCode` (JSON texts,
    each NULL when not found) and `code_id`."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        badge_id = named_badge_id(depth)
        named = (CODES.c.badge_id == badge_id, CODES.c.code == bindparam("code"))
        shown = select(code_document()).where(*named).scalar_subquery()
        return [
            badge_by_id(badge_id).label("badge"),
            as_text(shown).label("claimCode"),
            select(CODES.c.id).where(*named).scalar_subquery().label("code_id"),
        ]


ONE_CODE = OneCode()


class CodeLookup(Reading):
    """The badge in the URL's container or below it that has the code `{code}` (the oldest
    of them, as the original), with `claimed`: whether the code is used up (claimed and
    single-use). `badge` (JSON text), NULL when no badge there has it."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        badge, codes = BADGES.alias("coded"), CODES.alias("looked_up")
        used_up = type_coerce(and_(codes.c.claimed, not_(codes.c.multiuse)), Boolean)
        found = (
            select(badge_document(badge, also={"claimed": used_up}))
            .select_from(codes.join(badge, badge.c.id == codes.c.badge_id))
            .where(
                codes.c.system_id == container_id(0),
                codes.c.code == bindparam("code"),
                owned_by_named(depth, badge.c.system_id, badge.c.issuer_id, badge.c.program_id),
            )
            .order_by(badge.c.id)
            .limit(1)
        )
        return [as_text(found.scalar_subquery()).label("badge")]


CODE_LOOKUP = CodeLookup()

CODE_BY_ID = select(as_text(code_document()).label("claimCode")).where(
    CODES.c.id == bindparam("id")
)


async def code_by_id(session: AsyncSession, code_id: int) -> str:
    """The JSON text of the claim code with this id."""
    shown: str = (await session.execute(CODE_BY_ID, {"id": code_id})).scalar_one()
    return shown
