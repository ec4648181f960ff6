"""Claim code writes. The caller owns the transaction.

Codes are unique per badge, as in the original: two badges may carry the same code, and
`/systems/:s/codes/:code` then answers with the oldest of them (`queries.CODE_LOOKUP`).
Codes the server makes up are free in the whole system, so that lookup finds them alone.
Claiming is one conditional UPDATE, so when many requests claim one single-use code at
once the database lets exactly one of them win.

Writes are Core statements; what they answer is the code as `queries.py` shows it, read
back in the write's own statement where the database has `RETURNING` for it.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.claim_codes.queries import CODES, code_by_id, code_document
from badgekit_api.db.driver import fetch_rows, fetch_written
from badgekit_api.db.json_sql import as_text
from badgekit_api.errors import CodeAlreadyUsed, Conflict, NotFound
from badgekit_api.scopes.containers import Identified

# Lower-case letters and digits without the look-alikes 0/o, 1/l/i: easy to read out and type.
RANDOM_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RANDOM_GROUPS, RANDOM_GROUP_LENGTH = 3, 4  # `k7mq-3xzp-9dwa`: about 59 bits of entropy
RANDOM_ATTEMPTS = 5

_SHOWN = as_text(code_document()).label("claimCode")


class CodeOwner(Identified, Protocol):
    """What filing a code under a badge needs of the badge."""

    @property
    def system_id(self) -> int: ...


def new_random_code() -> str:
    return "-".join(
        "".join(secrets.choice(RANDOM_ALPHABET) for _ in range(RANDOM_GROUP_LENGTH))
        for _ in range(RANDOM_GROUPS)
    )


async def create(
    session: AsyncSession,
    badge: CodeOwner,
    code: str,
    *,
    claimed: bool = False,
    multiuse: bool = False,
    email: str | None = None,
) -> str:
    """A new code for the badge, as JSON text; 409 when the badge already has this code
    (the unique constraint says so: the request then rolls back whole)."""
    return await _insert(session, badge, code, claimed=claimed, multiuse=multiuse, email=email)


async def create_random(
    session: AsyncSession,
    badge: CodeOwner,
    *,
    claimed: bool = False,
    multiuse: bool = False,
    email: str | None = None,
) -> tuple[str, str]:
    """A new code made up by the server, unguessable and free in the badge's system: the
    code, and its JSON text."""
    for _ in range(RANDOM_ATTEMPTS):
        code = new_random_code()
        if not await _taken_in_system(session, badge.system_id, code):
            shown = await _insert(
                session, badge, code, claimed=claimed, multiuse=multiuse, email=email
            )
            return code, shown
    raise RuntimeError("no free random claim code in 5 draws of 2^59")


async def delete_code(session: AsyncSession, code_id: int) -> None:
    """Delete the code with this id (the request's start statement found it)."""
    await session.execute(delete(CODES).where(CODES.c.id == code_id))


async def claim(
    session: AsyncSession, badge: Identified, code: str, email: str | None, *, alone: bool = False
) -> str:
    """Mark the badge's code claimed by `email`, atomically; the code, as JSON text.

    A single-use code is claimed once: the UPDATE only matches it while it is unclaimed,
    so of concurrent claims exactly one changes the row and the others get
    `CodeAlreadyUsed`. A multi-use code can be claimed again and again. Call it inside the
    transaction that also issues the badge, so both happen or neither does; `alone` says
    the claim is the request's only write (`POST .../codes/:code/claim`), which on
    PostgreSQL then needs no transaction of its own (`driver.fetch_written`).
    """
    named = {"claim_badge": badge.id, "claim_code": code}
    if session.get_bind().dialect.update_returning:
        # One statement claims the code and shows it; looking further is only needed to
        # tell a used code from an unknown one.
        if email is None:
            won = await fetch_written(session, _CLAIM, named, alone=alone)
        else:
            given = {**named, "claim_email": email}
            won = await fetch_written(session, _CLAIM_FOR_EMAIL, given, alone=alone)
        if won:
            return str(won[0].claimCode)
        await _find_or_404(session, badge, code)
        raise CodeAlreadyUsed.for_code(code)
    values: dict[str, Any] = {"claimed": True}
    if email is not None:
        values["email"] = email
    code_id = await _find_or_404(session, badge, code)
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(CODES).where(CODES.c.id == code_id, _claimable()).values(**values)
        ),
    )
    if result.rowcount != 1:
        raise CodeAlreadyUsed.for_code(code)
    return await code_by_id(session, code_id)


def _claimable() -> ColumnElement[bool]:
    """A multi-use code, or a single-use one nobody has claimed yet."""
    return or_(CODES.c.multiuse.is_(True), CODES.c.claimed.is_(False))


# The claim and the look-up that tells a used code from an unknown one, built once so that
# on PostgreSQL they run on the driver, prepared (db/driver.py).
_NAMED = (CODES.c.badge_id == bindparam("claim_badge"), CODES.c.code == bindparam("claim_code"))
_CLAIM = update(CODES).where(*_NAMED, _claimable()).values(claimed=True).returning(_SHOWN)
_CLAIM_FOR_EMAIL = _CLAIM.values(email=bindparam("claim_email"))
_FIND = select(CODES.c.id.label("id")).where(*_NAMED)


async def _find_or_404(session: AsyncSession, badge: Identified, code: str) -> int:
    found = await fetch_rows(session, _FIND, {"claim_badge": badge.id, "claim_code": code})
    if not found:
        raise NotFound.for_field("claimCode", "code", code)
    return int(found[0].id)


async def _taken_in_system(session: AsyncSession, system_id: int, code: str) -> bool:
    taken = await session.scalar(
        select(exists().where(CODES.c.system_id == system_id, CODES.c.code == code))
    )
    return bool(taken)


async def _insert(
    session: AsyncSession,
    badge: CodeOwner,
    code: str,
    *,
    claimed: bool,
    multiuse: bool,
    email: str | None,
) -> str:
    row = {
        "system_id": badge.system_id,
        "badge_id": badge.id,
        "code": code,
        "claimed": claimed,
        "multiuse": multiuse,
        "email": email,
    }
    try:
        shown = await session.scalar(insert(CODES).values(**row).returning(_SHOWN))
    except IntegrityError:
        # The badge has this code already (or two requests raced for it): the unique
        # constraint settled it.
        raise _conflict(badge, code) from None
    return str(shown)


def _conflict(badge: Identified, code: str) -> Conflict:
    return Conflict(
        "claimCode with that `code` already exists", details={"code": code, "badge": badge.slug}
    )
