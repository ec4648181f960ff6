"""Writing awards: instances of one badge for one or many earners, each with its `award`
webhook event in the same transaction.

Who already holds the badge is settled by the unique constraint on live instances, not
by reading first: two requests awarding the same earner at once both try to insert, the
database lets one through, and the other learns it lost from its IntegrityError (inside a
SAVEPOINT, so its transaction goes on).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.claim_codes import service as claim_code_service
from badgekit_api.errors import Conflict, ValidationFailed
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.links import assertion_url
from badgekit_api.instances.locking import lock_badge
from badgekit_api.instances.serializers import badge_payload
from badgekit_api.models import Badge, BadgeInstance, InstanceEvidence
from badgekit_api.models.base import utcnow
from badgekit_api.webhooks import events, outbox

OnHolder = Literal["conflict", "skip"]


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


@dataclass
class Awarded:
    created: list[BadgeInstance] = field(default_factory=list)
    # Earners who already held the badge: the live instance each of them holds.
    skipped: list[BadgeInstance] = field(default_factory=list)


async def award(
    session: AsyncSession,
    badge: Badge,
    grants: Sequence[Grant],
    urls: PublicUrls,
    *,
    on_holder: OnHolder,
    automatic: bool = False,
) -> Awarded:
    """Award `badge` (fully loaded) to each grant's earner.

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
        await lock_badge(session, badge)
    held = await _live_instances(session, badge, [grant.email for grant in grants])
    if held and on_holder == "conflict":
        raise _already_awarded(badge, next(iter(held.values())), urls)
    fresh = await _within_limit(
        session, badge, [grant for grant in grants if grant.email not in held], automatic
    )
    for grant in fresh:
        if grant.claim_code is not None:
            await claim_code_service.claim(session, badge, grant.claim_code, grant.email)
    awarded = await _insert(session, badge, fresh, on_holder, urls)
    awarded.skipped[:0] = held.values()
    await _announce(session, badge, awarded.created, urls)
    return awarded


def _one_per_earner(grants: Sequence[Grant]) -> list[Grant]:
    """The grants in order, without repeats of an earner (the first one counts)."""
    unique: dict[str, Grant] = {}
    for grant in grants:
        unique.setdefault(grant.email, grant)
    return list(unique.values())


async def _live_instances(
    session: AsyncSession, badge: Badge, emails: Sequence[str]
) -> dict[str, BadgeInstance]:
    if not emails:
        return {}
    statement = select(BadgeInstance).where(
        BadgeInstance.badge_id == badge.id,
        BadgeInstance.email.in_(emails),
        BadgeInstance.live.is_(True),
    )
    return {instance.email: instance for instance in await session.scalars(statement)}


async def _within_limit(
    session: AsyncSession, badge: Badge, grants: list[Grant], automatic: bool
) -> list[Grant]:
    """The grants that fit under the badge's limit of earners (0 or none: no limit).
    The caller holds the badge's lock, so no other award counts at the same time."""
    if not badge.limit or not grants:
        return grants
    earners = await session.scalar(
        select(func.count())
        .select_from(BadgeInstance)
        .where(BadgeInstance.badge_id == badge.id, BadgeInstance.live.is_(True))
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
    badge: Badge,
    grants: list[Grant],
    on_holder: OnHolder,
    urls: PublicUrls,
) -> Awarded:
    if not grants:
        return Awarded()
    now = utcnow()
    try:
        async with session.begin_nested():
            rows = [_row(badge, grant, now) for grant in grants]
            session.add_all(rows)
        return Awarded(created=rows)
    except IntegrityError:
        # Someone awarded one of these earners since we looked (or the slug is taken).
        pass
    awarded = Awarded()
    for grant in grants:
        try:
            async with session.begin_nested():
                row = _row(badge, grant, now)
                session.add(row)
            awarded.created.append(row)
        except IntegrityError:
            holder = (await _live_instances(session, badge, [grant.email])).get(grant.email)
            if holder is None:
                raise Conflict(
                    "badgeInstance with that `slug` already exists", details={"slug": grant.slug}
                ) from None
            if on_holder == "conflict":
                raise _already_awarded(badge, holder, urls) from None
            awarded.skipped.append(holder)
    return awarded


def _row(badge: Badge, grant: Grant, now: datetime) -> BadgeInstance:
    return BadgeInstance(
        slug=grant.slug or secrets.token_hex(16),
        badge=badge,
        email=grant.email,
        issued_on=grant.issued_on or now,
        expires=grant.expires,
        claim_code=grant.claim_code,
        comment=grant.comment,
        salt=secrets.token_hex(16),
        live=True,
        evidence=[
            InstanceEvidence(url=url, narrative=narrative, position=position)
            for position, (url, narrative) in enumerate(grant.evidence)
        ],
    )


async def _announce(
    session: AsyncSession, badge: Badge, instances: list[BadgeInstance], urls: PublicUrls
) -> None:
    """Queue one `award` event per new instance, naming the badge awarded."""
    if not instances:
        return
    shown = badge_payload(badge, urls)
    await outbox.enqueue_many(
        session,
        system_id=badge.system_id,
        action=events.AWARD,
        payloads=[
            events.award(
                uid=instance.slug,
                badge=shown,
                email=instance.email,
                assertion_url=assertion_url(instance.slug, urls),
                issued_on=instance.issued_on,
                comment=instance.comment,
            )
            for instance in instances
        ],
    )


def _already_awarded(badge: Badge, holder: BadgeInstance, urls: PublicUrls) -> Conflict:
    return Conflict(
        f"User {holder.email} has already been awarded badge {badge.slug}",
        details={"assertionUrl": assertion_url(holder.slug, urls)},
    )


def _refused(badge: Badge, message: str) -> ValidationFailed:
    return ValidationFailed([{"field": "badge", "value": badge.slug, "message": message}], message)
