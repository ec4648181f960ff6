"""A milestone as the wire shows it, written by the database: the one read path for
milestones (`MilestoneRead`: its columns, its primary badge and its support badges in
full, by id, each from `badges/queries.badge_document`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, Integer, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.queries import BADGES, badge_document
from badgekit_api.db.json_sql import as_text, json_array_agg, json_object
from badgekit_api.db.listing import PagedReading, listed_documents
from badgekit_api.errors import NotFound
from badgekit_api.fields import path_id
from badgekit_api.models import Milestone, milestone_support_badges
from badgekit_api.scopes.containers import container_id
from badgekit_api.scopes.start import Reading

MILESTONES: Table = Milestone.__table__  # type: ignore[assignment]
SUPPORTS: Table = milestone_support_badges


def milestone_document(milestones: Any = MILESTONES) -> ColumnElement[Any]:
    """The wire object of the milestone row `milestones` (the table or an alias of it)."""
    m = milestones.c
    primary, support = BADGES.alias(), BADGES.alias()
    supporting = support.join(SUPPORTS, SUPPORTS.c.badge_id == support.c.id)
    return json_object(
        {
            "id": m.id,
            "action": m.action,
            "numberRequired": m.number_required,
            "primaryBadge": select(badge_document(primary))
            .where(primary.c.id == m.primary_badge_id)
            .scalar_subquery(),
            "supportBadges": json_array_agg(
                select(badge_document(support))
                .select_from(supporting)
                .where(SUPPORTS.c.milestone_id == m.id),
                order_by=support.c.id,
            ),
        }
    )


class SystemMilestones(PagedReading):
    """The milestones of the URL's system, oldest first: `milestones`, and `total` when
    paged."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        listed = [MILESTONES.c.system_id == container_id(0)]
        return listed_documents(
            MILESTONES, listed, milestone_document, label="milestones", paged=variant[0]
        )


class OneMilestone(Reading):
    """The milestone `{milestone_id}` of the URL's system: `milestone` (JSON text), NULL
    when there is none (an id no row can have included)."""

    def params(self, request: Request, variant: Any) -> dict[str, Any]:
        return {"milestone_id": path_id(request.path_params["milestone_id"])}

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        found = select(milestone_document()).where(
            MILESTONES.c.system_id == container_id(0),
            MILESTONES.c.id == bindparam("milestone_id", type_=Integer),
        )
        return [as_text(found.scalar_subquery()).label("milestone")]


SYSTEM_MILESTONES = SystemMilestones()
ONE_MILESTONE = OneMilestone()


def found_milestone(row: Any, milestone_id: str) -> str:
    """The JSON text of the URL's milestone, as the start statement read it; 404 if none."""
    if row is None or row.milestone is None:
        raise NotFound.for_field("milestone", "id", milestone_id)
    shown: str = row.milestone
    return shown


_BY_ID = select(as_text(milestone_document())).where(MILESTONES.c.id == bindparam("id"))


async def milestone_by_id(session: AsyncSession, milestone_id: int, origin: str) -> str:
    """The JSON text of the milestone with this id (after a write)."""
    shown: str = (
        await session.execute(_BY_ID, {"id": milestone_id, "origin": origin})
    ).scalar_one()
    return shown
