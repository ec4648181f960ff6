"""The five lists a badge shows (criteria, alignments, categories, tags, milestones), read
for any number of badges with one plain Core query (a UNION ALL of the five).

Loading the same lists with the ORM's `selectinload` cost several times more CPU: its
loader options, cache keys and identity-map bookkeeping for every child row were most of
the time of a badge read by profile (docs/performance.md). Left only for
`service.get_shown`, behind the applications' `BadgeDep`, until they read their badge
through `queries.py`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    union_all,
)
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


CRITERION, ALIGNMENT, CATEGORY, TAG, MILESTONE = range(5)


def _part(
    kind: int,
    owner: Any,
    item: Any,
    *,
    a: Any = None,
    b: Any = None,
    c: Any = None,
    flag: Any = None,
    number: Any = None,
) -> Select[Any]:
    """One list's items as rows of the common shape: kind, badge_id, id, a, b, c, flag,
    number. What a list does not have stays NULL."""
    return select(
        literal_column(str(kind)).label("kind"),
        owner.label("badge_id"),
        item.label("id"),
        _or_null(a).label("a"),
        _or_null(b).label("b"),
        _or_null(c).label("c"),
        _or_null(flag).label("flag"),
        # Typed: PostgreSQL resolves a UNION's column branch by branch, and the first four
        # lists' NULLs alone would make it text, which then clashes with the integers.
        # (The texts stay untyped: a cast would give them MySQL's connection collation,
        # which it refuses to mix with the columns'.)
        (cast(null(), Integer) if number is None else number).label("number"),
    ).where(owner.in_(bindparam("ids", expanding=True)))


def _or_null(column: Any) -> Any:
    return null() if column is None else column


# One round trip for all five lists, built once (constructing a statement costs more CPU
# than running it). Each list is shown in the order its items were added.
LISTS = union_all(
    _part(
        CRITERION,
        _criteria.c.badge_id,
        _criteria.c.id,
        a=_criteria.c.description,
        b=_criteria.c.note,
        flag=_criteria.c.required,
    ),
    _part(
        ALIGNMENT,
        _alignments.c.badge_id,
        _alignments.c.id,
        a=_alignments.c.name,
        b=_alignments.c.url,
        c=_alignments.c.description,
    ),
    _part(CATEGORY, _categories.c.badge_id, _categories.c.id, a=_categories.c.value),
    _part(TAG, _tags.c.badge_id, _tags.c.id, a=_tags.c.value),
    _part(
        MILESTONE,
        _milestones.c.primary_badge_id,
        _milestones.c.id,
        a=_milestones.c.action,
        number=_milestones.c.number_required,
    ),
).order_by(literal_column("kind"), literal_column("id"))


async def read_lists(session: AsyncSession, badge_ids: Collection[int]) -> dict[int, BadgeLists]:
    """Each badge's lists (every id gets an entry, empty lists included)."""
    lists = {badge_id: BadgeLists() for badge_id in badge_ids}
    if not lists:
        return lists
    # Unpacked by position: a row's attribute lookup by name costs more than the rest.
    for kind, badge_id, item_id, a, b, c, flag, number in await session.execute(
        LISTS, {"ids": list(lists)}
    ):
        shown = lists[badge_id]
        if kind == CRITERION:
            shown.criteria.append(
                CriterionRead(id=item_id, description=a, required=bool(flag), note=b)
            )
        elif kind == ALIGNMENT:
            shown.alignments.append(AlignmentRead(id=item_id, name=a, url=b, description=c))
        elif kind == CATEGORY:
            shown.categories.append(a)
        elif kind == TAG:
            shown.tags.append(TagRead(id=item_id, value=a))
        else:
            shown.milestones.append({"id": item_id, "action": a, "numberRequired": number})
    return lists
