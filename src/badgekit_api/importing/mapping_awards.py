"""Claim codes, badge instances (the awards whose assertions must keep verifying),
milestones and their support badges."""

from __future__ import annotations

import secrets
from typing import ClassVar

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from badgekit_api.importing.source import Row
from badgekit_api.importing.tables import Context, Planned, TableMapping
from badgekit_api.importing.values import earner, fits, is_zero_date, learner_email, moment
from badgekit_api.models import BadgeInstance, ClaimCode, Milestone, milestone_support_badges

MAX_INSTANCE_SLUG = 64


class ClaimCodes(TableMapping):
    legacy = "claimCodes"
    columns = ("id", "code", "claimed", "email", "multiuse", "badgeId")
    target: ClassVar[Table] = ClaimCode.__table__  # type: ignore[assignment]

    def plan(self, row: Row, context: Context) -> Planned:
        badge = context.badges.get(row["badgeId"])
        email, valid = learner_email(row["email"]) if row["email"] else (None, True)
        planned = Planned(
            row["id"],
            {
                "system_id": badge.system_id if badge else None,
                "badge_id": badge.id if badge else None,
                "code": row["code"],
                "claimed": bool(row["claimed"]),
                # Kept as stored: the original made every code with a non-null `multiuse`
                # multi-use (`multiuse: false` too), and its earners and clients saw that.
                "multiuse": bool(row["multiuse"]),
                "email": email,
                "created_at": context.now,
            },
        )
        if badge is None:
            planned.skip = f"its badge is missing or was not imported (badgeId {row['badgeId']})"
        elif not row["code"]:
            planned.skip = "empty code"
        elif not valid:
            planned.fallbacks.append("claimer's email refused by the validator: kept as stored")
        return planned


class Instances(TableMapping):
    legacy = "badgeInstances"
    columns = ("id", "slug", "email", "issuedOn", "expires", "claimCode", "badgeId")
    target: ClassVar[Table] = BadgeInstance.__table__  # type: ignore[assignment]

    def plan(self, row: Row, context: Context) -> Planned:
        badge = context.badges.get(row["badgeId"])
        who = earner(row["email"] or "")
        issued = moment(row["issuedOn"])
        planned = Planned(
            row["id"],
            {
                "slug": row["slug"],
                "badge_id": badge.id if badge else None,
                "email": who.email,
                "published_identity": who.published_identity,
                "issued_on": issued,
                "expires": moment(row["expires"]),
                "claim_code": row["claimCode"],
                "comment": None,
                "salt": secrets.token_hex(16),
                "live": True,
                "revoked_at": None,
                "revocation_reason": None,
                "created_at": issued,
            },
        )
        if badge is None:
            planned.skip = f"its badge is missing or was not imported (badgeId {row['badgeId']})"
            return planned
        if not row["slug"] or not fits(row["slug"], MAX_INSTANCE_SLUG):
            planned.skip = (
                f"slug empty or longer than {MAX_INSTANCE_SLUG} characters (its URL cannot be kept)"
            )
            return planned
        pair = (badge.id, who.email)
        if pair in context.earners:
            planned.skip = (
                "the earner holds this badge already (an earlier row, the same email once "
                "normalised)"
            )
            return planned
        context.earners.add(pair)
        if not who.valid:
            planned.fallbacks.append(
                "email refused by the validator: kept as stored, same recipient hash"
            )
        elif who.published_identity:
            planned.fallbacks.append("email stored normalised; the original's recipient hash kept")
        if issued is None:
            # Unknown award time: the badge's creation is the closest moment the original knew.
            fallback = badge.created or context.now
            planned.values["issued_on"] = planned.values["created_at"] = fallback
            planned.fallbacks.append("issuedOn is 0000-00-00: the badge's creation time")
        if is_zero_date(row["expires"]):
            planned.fallbacks.append("expires is 0000-00-00: never expires")
        return planned

    async def settle(
        self, planned: list[Planned], connection: AsyncConnection, context: Context
    ) -> None:
        live = [p for p in planned if p.skip is None]
        if not live:
            return
        column = self.target.c.slug
        taken = {
            slug.lower()
            for slug in (
                await connection.scalars(
                    select(column).where(column.in_([p.values["slug"] for p in live]))
                )
            )
        }
        for p in live:
            if p.values["slug"].lower() in taken:
                p.skip = (
                    "its slug belongs to another assertion in the target (its URL cannot be kept)"
                )
                context.earners.discard((p.values["badge_id"], p.values["email"]))


class Milestones(TableMapping):
    legacy = "milestones"
    columns = ("id", "systemId", "primaryBadgeId", "numberRequired", "action")
    target: ClassVar[Table] = Milestone.__table__  # type: ignore[assignment]
    needs_ids = True

    def plan(self, row: Row, context: Context) -> Planned:
        system = context.systems.get(row["systemId"])
        badge = context.badges.get(row["primaryBadgeId"])
        planned = Planned(
            row["id"],
            {
                "system_id": system,
                "primary_badge_id": badge.id if badge else None,
                "number_required": row["numberRequired"],
                "action": row["action"] or "issue",
                "created_at": context.now,
            },
        )
        if system is None or badge is None:
            planned.skip = "its system or primary badge is missing or was not imported"
        elif row["action"] is None:
            planned.fallbacks.append("action NULL: `issue`, the original's default")
        return planned

    def remember(self, planned: Planned, new_id: int | None, context: Context) -> None:
        assert new_id is not None
        context.milestones[planned.legacy_id] = new_id


class MilestoneBadges(TableMapping):
    legacy = "milestoneBadges"
    columns = ("id", "milestoneId", "badgeId")
    target: ClassVar[Table] = milestone_support_badges

    def plan(self, row: Row, context: Context) -> Planned:
        milestone = context.milestones.get(row["milestoneId"])
        badge = context.badges.get(row["badgeId"])
        planned = Planned(
            row["id"], {"milestone_id": milestone, "badge_id": badge.id if badge else None}
        )
        if milestone is None or badge is None:
            planned.skip = "its milestone or support badge is missing or was not imported"
        return planned
