"""Writing awards: instances of one badge for one or many earners, each with its `award`
webhook event in the same transaction.

Who already holds the badge is settled by the unique constraint on live instances, not
by reading first: two requests awarding the same earner at once both try to insert, the
database lets one through, and the other learns it lost from its IntegrityError (inside a
SAVEPOINT, so its transaction goes on). A single award (`on_holder="conflict"`) needs no
SAVEPOINT: losing means a 409, and the transaction is rolled back anyway.

Awards are written with Core inserts (no ORM unit of work): the badge comes from the
request's start statement (`ActingBadge`), and the answer is read back through the
instances' read path (`instances/queries.py`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Table, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.queries import ActingBadge
from badgekit_api.claim_codes import service as claim_code_service
from badgekit_api.db.insert_together import Children, Together, insert_together
from badgekit_api.errors import Conflict, ValidationFailed
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_url
from badgekit_api.instances.locking import lock_badge
from badgekit_api.models import BadgeInstance, InstanceEvidence, WebhookEvent
from badgekit_api.models.base import utcnow
from badgekit_api.openbadges.links import v3
from badgekit_api.webhooks import events, outbox

OnHolder = Literal["conflict", "skip"]

_instances: Table = BadgeInstance.__table__  # type: ignore[assignment]
_evidence: Table = InstanceEvidence.__table__  # type: ignore[assignment]
_events_table: Table = WebhookEvent.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Grant:
    """One earner to award (email lower-cased), with what the request said about it."""

    email: str
    slug: str | None = None
    issued_on: datetime | None = None
    expires: datetime | None = None
    claim_code: str | None = None
    comment: str | None = None
    evidence: tuple[tuple[str | None, str | None], ...] = ()  # (url, narrative) pairs


@dataclass(frozen=True, slots=True)
class Held:
    """An earner's live instance of the badge: what an award answer names of it."""

    id: int
    slug: str
    email: str


@dataclass
class Awarded:
    created: list[Held] = field(default_factory=list)
    # Earners who already held the badge: the live instance each of them holds.
    skipped: list[Held] = field(default_factory=list)


async def award(
    session: AsyncSession,
    badge: ActingBadge,
    grants: Sequence[Grant],
    urls: PublicUrls,
    *,
    on_holder: OnHolder,
    automatic: bool = False,
) -> Awarded:
    """Award `badge` to each grant's earner.

    An earner who already holds it is a 409 with their assertion (`on_holder="conflict"`)
    or is reported in `skipped`. An archived badge or one without room for every new
    earner under its `limit` refuses the whole request with a 400, unless the award is
    `automatic` (a milestone's): then it awards whom it can and stays quiet.
    """
    if badge.archived:
        if automatic:
            return Awarded()
        raise _refused(badge, f"Badge `{badge.slug}` is archived: it can no longer be awarded")
    grants = _one_per_earner(grants)
    # Awards that write many rows or count the badge's earners take turns on the badge:
    # two overlapping batches would otherwise each wait on rows the other is inserting.
    take_turns = len(grants) > 1 or bool(badge.limit)
    if take_turns:
        await lock_badge(session, badge.id)
    # One earner who may already hold it: the insert finds out (see the module's note).
    held = (
        {}
        if on_holder == "conflict" and len(grants) == 1
        else (await _live_instances(session, badge, [grant.email for grant in grants]))
    )
    if held and on_holder == "conflict":
        raise _already_awarded(badge, next(iter(held.values())), urls)
    fresh = await _within_limit(
        session, badge, [grant for grant in grants if grant.email not in held], automatic
    )
    for grant in fresh:
        if grant.claim_code is not None:
            await claim_code_service.claim(session, badge, grant.claim_code, grant.email)
    awarded = await _insert(session, badge, fresh, on_holder, urls, utcnow())
    awarded.skipped[:0] = held.values()
    return awarded


def _one_per_earner(grants: Sequence[Grant]) -> list[Grant]:
    """The grants in order, without repeats of an earner (the first one counts)."""
    unique: dict[str, Grant] = {}
    for grant in grants:
        unique.setdefault(grant.email, grant)
    return list(unique.values())


async def _live_instances(
    session: AsyncSession, badge: ActingBadge, emails: Sequence[str]
) -> dict[str, Held]:
    if not emails:
        return {}
    statement = select(_instances.c.id, _instances.c.slug, _instances.c.email).where(
        _instances.c.badge_id == badge.id,
        _instances.c.email.in_(emails),
        _instances.c.live.is_(True),
    )
    return {email: Held(id, slug, email) for id, slug, email in await session.execute(statement)}


async def _within_limit(
    session: AsyncSession, badge: ActingBadge, grants: list[Grant], automatic: bool
) -> list[Grant]:
    """The grants that fit under the badge's limit of earners (0 or none: no limit).
    The caller holds the badge's lock, so no other award counts at the same time."""
    if not badge.limit or not grants:
        return grants
    earners = await session.scalar(
        select(func.count())
        .select_from(_instances)
        .where(_instances.c.badge_id == badge.id, _instances.c.live.is_(True))
    )
    room = max(badge.limit - (earners or 0), 0)
    if len(grants) <= room:
        return grants
    if automatic:
        return grants[:room]
    if room == 0:
        message = f"Badge `{badge.slug}` has reached its limit of {badge.limit} earners"
    else:
        message = (
            f"Badge `{badge.slug}` can go to {room} more earners (its limit is {badge.limit}),"
            f" not {len(grants)}"
        )
    raise _refused(badge, message)


async def _insert(
    session: AsyncSession,
    badge: ActingBadge,
    grants: list[Grant],
    on_holder: OnHolder,
    urls: PublicUrls,
    now: datetime,
) -> Awarded:
    if not grants:
        return Awarded()
    if on_holder == "conflict" and len(grants) == 1:
        return Awarded(created=[await _insert_one(session, badge, grants[0], now, urls)])
    try:
        async with session.begin_nested():
            return Awarded(created=await _insert_rows(session, badge, grants, now, urls))
    except IntegrityError:
        # Someone awarded one of these earners since we looked (or the slug is taken).
        pass
    awarded = Awarded()
    for grant in grants:
        try:
            async with session.begin_nested():
                awarded.created += await _insert_rows(session, badge, [grant], now, urls)
        except IntegrityError:
            holder = (await _live_instances(session, badge, [grant.email])).get(grant.email)
            if holder is None:
                raise _slug_taken(grant) from None
            if on_holder == "conflict":
                raise _already_awarded(badge, holder, urls) from None
            awarded.skipped.append(holder)
    return awarded


async def _insert_one(
    session: AsyncSession, badge: ActingBadge, grant: Grant, now: datetime, urls: PublicUrls
) -> Held:
    """One earner's award without a SAVEPOINT: if the insert loses to a holder, the request
    is a 409 and its transaction rolls back (the holder is looked up after that).

    The insert is the award's only write unless the request began its transaction before
    (a claim code's claim, the badge's lock for its limit, the milestones' lock), and
    what the milestones write after it runs in that transaction: so it is `alone`, and a
    plain award on PostgreSQL needs no BEGIN and COMMIT of its own."""
    try:
        [created] = await _insert_rows(session, badge, [grant], now, urls, alone=True)
    except IntegrityError:
        await session.rollback()
        holder = (await _live_instances(session, badge, [grant.email])).get(grant.email)
        if holder is None:
            raise _slug_taken(grant) from None
        raise _already_awarded(badge, holder, urls) from None
    return created


async def _insert_rows(
    session: AsyncSession,
    badge: ActingBadge,
    grants: list[Grant],
    now: datetime,
    urls: PublicUrls,
    *,
    alone: bool = False,
) -> list[Held]:
    """Insert one instance per grant with its evidence and the `award` events announcing it:
    one statement on PostgreSQL (`db/insert_together.py`)."""
    rows = [_row(badge, grant, now) for grant in grants]
    evidence = [
        {"parent": row["slug"], "url": url, "narrative": narrative, "position": position}
        for row, grant in zip(rows, grants, strict=True)
        for position, (url, narrative) in enumerate(grant.evidence)
    ]
    events_written = _events(badge, rows, urls)
    created = await insert_together(
        session,
        Together(
            parent=_instances,
            key="slug",
            rows=rows,
            returning=("email",),
            children=(Children(_evidence, "instance_id", evidence),),
            others=((_events_table, events_written),),
        ),
        alone=alone,
    )
    if events_written:
        outbox.wake_workers_after_commit(session)
    return [Held(created[row["slug"]].id, row["slug"], row["email"]) for row in rows]


def _events(
    badge: ActingBadge, rows: list[dict[str, Any]], urls: PublicUrls
) -> list[dict[str, Any]]:
    """The outbox rows of one `award` event per new instance, naming the badge awarded."""
    if not badge.award_webhooks:
        return []
    shown = badge.shown()
    return outbox.event_rows(
        system_id=badge.system_id,
        action=events.AWARD,
        payloads=[
            events.award(
                uid=row["slug"],
                badge=shown,
                email=row["email"],
                assertion_url=assertion_url(row["slug"], urls),
                issued_on=row["issued_on"],
                comment=row["comment"],
                credential_url=v3(assertion_url(row["slug"], urls)),
            )
            for row in rows
        ],
        webhook_ids=badge.award_webhooks,
    )


def _row(badge: ActingBadge, grant: Grant, now: datetime) -> dict[str, Any]:
    return {
        "slug": grant.slug or secrets.token_hex(16),
        "badge_id": badge.id,
        "email": grant.email,
        "issued_on": grant.issued_on or now,
        "expires": grant.expires,
        "claim_code": grant.claim_code,
        "comment": grant.comment,
        "salt": secrets.token_hex(16),
        "live": True,
        "created_at": now,
    }


def _slug_taken(grant: Grant) -> Conflict:
    return Conflict("badgeInstance with that `slug` already exists", details={"slug": grant.slug})


def _already_awarded(badge: ActingBadge, holder: Held, urls: PublicUrls) -> Conflict:
    return Conflict(
        f"User {holder.email} has already been awarded badge {badge.slug}",
        details={"assertionUrl": assertion_url(holder.slug, urls)},
    )


def _refused(badge: ActingBadge, message: str) -> ValidationFailed:
    return ValidationFailed([{"field": "badge", "value": badge.slug, "message": message}], message)
