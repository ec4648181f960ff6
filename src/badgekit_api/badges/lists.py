"""The five lists a badge shows (criteria, alignments, categories, tags, milestones), read
for any number of badges with one plain Core query each.

Loading the same lists with the ORM's `selectinload` cost several times more CPU: its
loader options, cache keys and identity-map bookkeeping for every child row were most of
the time of a badge read by profile (docs/performance.md). Read-only endpoints use this;
writes still load the relationships, which they change.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.schemas import AlignmentRead, CriterionRead, TagRead
from badgekit_api.models import Alignment, BadgeCategory, BadgeTag, Criterion, Milestone

_criteria = Criterion.__table__
_alignments = Alignment.__table__
_categories = BadgeCategory.__table__
_tags = BadgeTag.__table__
_milestones = Milestone.__table__


@dataclass(slots=True)
class BadgeLists:
    """What a badge shows besides its own columns and containers, in display order."""

    criteria: list[CriterionRead] = field(default_factory=list)
    alignments: list[AlignmentRead] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[TagRead] = field(default_factory=list)
    # A summary, not the full milestone: that one embeds badges, which embed this.
    milestones: list[dict[str, Any]] = field(default_factory=list)


def _of_badges(table: Any, owner: Any) -> Select[Any]:
    # Built once: constructing a statement costs more CPU than running it. Every list is
    # shown in the order its items were added, as the relationships order it.
    return select(table).where(owner.in_(bindparam("ids", expanding=True))).order_by(table.c.id)


_CRITERIA = _of_badges(_criteria, _criteria.c.badge_id)
_ALIGNMENTS = _of_badges(_alignments, _alignments.c.badge_id)
_CATEGORIES = _of_badges(_categories, _categories.c.badge_id)
_TAGS = _of_badges(_tags, _tags.c.badge_id)
_REWARD_OF = _of_badges(_milestones, _milestones.c.primary_badge_id)


async def read_lists(session: AsyncSession, badge_ids: Collection[int]) -> dict[int, BadgeLists]:
    """Each badge's lists (every id gets an entry, empty lists included)."""
    lists = {badge_id: BadgeLists() for badge_id in badge_ids}
    if not lists:
        return lists
    ids = {"ids": list(lists)}
    for row in await session.execute(_CRITERIA, ids):
        lists[row.badge_id].criteria.append(
            CriterionRead(
                id=row.id, description=row.description, required=row.required, note=row.note
            )
        )
    for row in await session.execute(_ALIGNMENTS, ids):
        lists[row.badge_id].alignments.append(
            AlignmentRead(id=row.id, name=row.name, url=row.url, description=row.description)
        )
    for row in await session.execute(_CATEGORIES, ids):
        lists[row.badge_id].categories.append(row.value)
    for row in await session.execute(_TAGS, ids):
        lists[row.badge_id].tags.append(TagRead(id=row.id, value=row.value))
    for row in await session.execute(_REWARD_OF, ids):
        lists[row.primary_badge_id].milestones.append(
            {"id": row.id, "action": row.action, "numberRequired": row.number_required}
        )
    return lists
