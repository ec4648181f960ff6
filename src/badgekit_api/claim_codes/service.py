"""Claim code queries and writes. The caller owns the transaction: these only flush.

Codes are unique per badge, as in the original: two badges may carry the same code, and
`/systems/:s/codes/:code` then answers with the oldest of them (see `find_badge`). Codes
the server makes up are free in the whole system, so that lookup finds them alone.
Claiming is one conditional UPDATE, so when many requests claim one single-use code at
once the database lets exactly one of them win.
"""

from __future__ import annotations

import secrets
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Select, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges import service as badge_service
from badgekit_api.badges.serializers import BADGE_LOAD_OPTIONS
from badgekit_api.errors import CodeAlreadyUsed, Conflict, NotFound
from badgekit_api.models import Badge, ClaimCode
from badgekit_api.scopes import Scope
from badgekit_api.scopes.containers import Identified

# Lower-case letters and digits without the look-alikes 0/o, 1/l/i: easy to read out and type.
RANDOM_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RANDOM_GROUPS, RANDOM_GROUP_LENGTH = 3, 4  # `k7mq-3xzp-9dwa`: about 59 bits of entropy
RANDOM_ATTEMPTS = 5


def new_random_code() -> str:
    return "-".join(
        "".join(secrets.choice(RANDOM_ALPHABET) for _ in range(RANDOM_GROUP_LENGTH))
        for _ in range(RANDOM_GROUPS)
    )


def list_statement(badge: Badge) -> Select[ClaimCode]:
    return select(ClaimCode).where(ClaimCode.badge_id == badge.id).order_by(ClaimCode.id)


async def get(session: AsyncSession, badge: Badge, code: str) -> ClaimCode:
    """One of the badge's codes; 404 otherwise."""
    claim_code = await _find(session, badge, code)
    if claim_code is None:
        raise NotFound(f"Could not find the request claim code: {code}")
    return claim_code


async def create(
    session: AsyncSession,
    badge: Badge,
    code: str,
    *,
    claimed: bool = False,
    multiuse: bool = False,
    email: str | None = None,
) -> ClaimCode:
    """A new code for the badge; 409 when the badge already has this code."""
    if await _find(session, badge, code) is not None:
        raise _conflict(badge, code)
    return await _insert(session, badge, code, claimed=claimed, multiuse=multiuse, email=email)


async def create_random(
    session: AsyncSession,
    badge: Badge,
    *,
    claimed: bool = False,
    multiuse: bool = False,
    email: str | None = None,
) -> ClaimCode:
    """A new code made up by the server, unguessable and free in the badge's system."""
    for _ in range(RANDOM_ATTEMPTS):
        code = new_random_code()
        if not await _taken_in_system(session, badge.system_id, code):
            return await _insert(
                session, badge, code, claimed=claimed, multiuse=multiuse, email=email
            )
    raise RuntimeError("no free random claim code in 5 draws of 2^59")


async def delete(session: AsyncSession, badge: Badge, code: str) -> ClaimCode:
    """Delete one of the badge's codes and return it; 404 otherwise."""
    claim_code = await _find_or_404(session, badge, code)
    await session.delete(claim_code)
    await session.flush()
    return claim_code


async def claim(
    session: AsyncSession, badge: Identified, code: str, email: str | None
) -> ClaimCode:
    """Mark the badge's code claimed by `email`, atomically.

    A single-use code is claimed once: the UPDATE only matches it while it is unclaimed,
    so of concurrent claims exactly one changes the row and the others get
    `CodeAlreadyUsed`. A multi-use code can be claimed again and again. Call it inside the
    transaction that also issues the badge, so both happen or neither does.
    """
    values: dict[str, Any] = {"claimed": True}
    if email is not None:
        values["email"] = email
    if session.get_bind().dialect.update_returning:
        # One statement claims the code and reads it back; looking further is only needed
        # to tell a used code from an unknown one.
        won: ClaimCode | None = await session.scalar(
            update(ClaimCode)
            .where(ClaimCode.badge_id == badge.id, ClaimCode.code == code, _claimable())
            .values(**values)
            .returning(ClaimCode),
            execution_options={"populate_existing": True},
        )
        if won is not None:
            return won
        await _find_or_404(session, badge, code)
        raise CodeAlreadyUsed.for_code(code)
    claim_code = await _find_or_404(session, badge, code)
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(ClaimCode)
            .where(ClaimCode.id == claim_code.id, _claimable())
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise CodeAlreadyUsed.for_code(code)
    await session.refresh(claim_code)
    return claim_code


def _claimable() -> ColumnElement[bool]:
    """A multi-use code, or a single-use one nobody has claimed yet."""
    return or_(ClaimCode.multiuse.is_(True), ClaimCode.claimed.is_(False))


async def find_badge(session: AsyncSession, scope: Scope, code: str) -> tuple[Badge, ClaimCode]:
    """The badge (in the scope or below) that has this code, fully loaded, with the code.

    When several badges there have it, the oldest (lowest id) answers: the original took
    the first row its unique key `(code, badgeId)` gave, which is that one.
    """
    row = (
        await session.execute(
            select(Badge, ClaimCode)
            .join(ClaimCode, ClaimCode.badge_id == Badge.id)
            .options(*BADGE_LOAD_OPTIONS)
            .where(
                ClaimCode.system_id == scope.system.id,
                ClaimCode.code == code,
                badge_service.in_scope(scope),
            )
            .order_by(Badge.id)
            .limit(1)
        )
    ).first()
    if row is None:
        raise NotFound(f"Could not find the request claim code: {code}")
    return row[0], row[1]


async def _find(session: AsyncSession, badge: Identified, code: str) -> ClaimCode | None:
    return await session.scalar(
        select(ClaimCode).where(ClaimCode.badge_id == badge.id, ClaimCode.code == code)
    )


async def _find_or_404(session: AsyncSession, badge: Identified, code: str) -> ClaimCode:
    claim_code = await _find(session, badge, code)
    if claim_code is None:
        raise NotFound.for_field("claimCode", "code", code)
    return claim_code


async def _taken_in_system(session: AsyncSession, system_id: int, code: str) -> bool:
    taken = await session.scalar(
        select(exists().where(ClaimCode.system_id == system_id, ClaimCode.code == code))
    )
    return bool(taken)


async def _insert(
    session: AsyncSession,
    badge: Badge,
    code: str,
    *,
    claimed: bool,
    multiuse: bool,
    email: str | None,
) -> ClaimCode:
    claim_code = ClaimCode(
        system_id=badge.system_id,
        badge_id=badge.id,
        code=code,
        claimed=claimed,
        multiuse=multiuse,
        email=email,
    )
    session.add(claim_code)
    # Built now: a failed flush expires `badge`, and reading it then would fail too.
    conflict = _conflict(badge, code)
    try:
        await session.flush()
    except IntegrityError:
        # Two requests raced for the same code; the unique constraint settled it.
        raise conflict from None
    return claim_code


def _conflict(badge: Badge, code: str) -> Conflict:
    return Conflict(
        "claimCode with that `code` already exists", details={"code": code, "badge": badge.slug}
    )
