"""A badge rendered from its loaded ORM entity: left only for the modules that still load
one (applications, reviews, milestones, and `service.get_shown` behind their `BadgeDep`),
until they read their badges through `queries.py` like every other path (issue 16). Badges,
instances, claim codes and webhook payloads no longer come through here.
"""

from __future__ import annotations

from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from badgekit_api.badges.lists import BadgeLists, read_lists
from badgekit_api.badges.schemas import AlignmentRead, BadgeRead, CriterionRead, TagRead
from badgekit_api.containers.serializers import issuer_read, program_read, system_read
from badgekit_api.errors import NotFound
from badgekit_api.http.urls import PublicUrls
from badgekit_api.images.service import image_url
from badgekit_api.models import Badge, Issuer, Program, System
from badgekit_api.scopes import Scope
from badgekit_api.scopes.scope import SCOPE_DEPTHS, owned_at

# The badge's image and containers (with theirs) come in the badge query's own joins: one
# query instead of seven. Only the lists need queries of their own.
BADGE_CONTAINER_OPTIONS = (
    joinedload(Badge.image),
    joinedload(Badge.system).joinedload(System.image),
    joinedload(Badge.issuer).joinedload(Issuer.image),
    joinedload(Badge.program).joinedload(Program.image),
)
BADGE_LOAD_OPTIONS = (
    *BADGE_CONTAINER_OPTIONS,
    selectinload(Badge.criteria),
    selectinload(Badge.alignments),
    selectinload(Badge.categories),
    selectinload(Badge.tags),
    selectinload(Badge.milestones),
)


# Where a badge's remembered lists are kept: the ORM's per-object dictionary for the
# application's own use, which lives and dies with the object (one session, one request).
_REMEMBERED_LISTS = "badgekit_shown_lists"


def remember_lists(badge: Badge, lists: BadgeLists) -> None:
    """Have `badge_read` show these lists (read for this badge as it stands) instead of
    its list relationships, which may then stay unloaded."""
    inspect(badge).info[_REMEMBERED_LISTS] = lists


def badge_read(badge: Badge, urls: PublicUrls) -> BadgeRead:
    """The badge with its containers, criteria, alignments, categories and tags: the lists
    remembered for it, or else its loaded relationships (`BADGE_LOAD_OPTIONS`)."""
    lists = badge_lists(badge)
    return BadgeRead(
        id=badge.id,
        slug=badge.slug,
        name=badge.name,
        strapline=badge.strapline,
        earner_description=badge.earner_description,
        consumer_description=badge.consumer_description,
        issuer_url=badge.issuer_url,
        rubric_url=badge.rubric_url,
        time_value=badge.time_value,
        time_units=badge.time_units,
        evidence_type=badge.evidence_type,
        limit=badge.limit,
        unique=badge.unique,
        created=badge.created_at,
        image_url=image_url(badge.image, urls),
        type=badge.type,
        archived=badge.archived,
        system=system_read(badge.system, urls, nested=False),
        issuer=issuer_read(badge.issuer, urls, nested=False) if badge.issuer else None,
        program=program_read(badge.program, urls) if badge.program else None,
        criteria_url=badge.criteria_url,
        criteria=lists.criteria,
        alignments=lists.alignments,
        categories=lists.categories,
        tags=lists.tags,
        milestones=lists.milestones,
    )


def badge_lists(badge: Badge) -> BadgeLists:
    """What the badge shows in its lists: those remembered for it, or else its loaded
    relationships."""
    remembered: BadgeLists | None = inspect(badge).info.get(_REMEMBERED_LISTS)
    return remembered if remembered is not None else _loaded_lists(badge)


def _loaded_lists(badge: Badge) -> BadgeLists:
    return BadgeLists(
        criteria=[
            CriterionRead.model_validate(criterion, from_attributes=True)
            for criterion in badge.criteria
        ],
        alignments=[
            AlignmentRead.model_validate(alignment, from_attributes=True)
            for alignment in badge.alignments
        ],
        categories=[category.value for category in badge.categories],
        tags=[TagRead.model_validate(tag, from_attributes=True) for tag in badge.tags],
        milestones=[
            {
                "id": milestone.id,
                "action": milestone.action,
                "numberRequired": milestone.number_required,
            }
            for milestone in badge.milestones
        ],
    )


# --- the badge behind `dependencies.BadgeDep` --------------------------------------------


def _shown_by_slug(depth: int) -> Select[Badge]:
    return (
        select(Badge)
        .options(*BADGE_CONTAINER_OPTIONS)
        .where(
            owned_at(depth, Badge.system_id, Badge.issuer_id, Badge.program_id),
            Badge.slug == bindparam("slug"),
        )
        .execution_options(populate_existing=True)
    )


# Built once per scope depth: building an ORM statement with its loader options costs
# more CPU than running it.
_SHOWN_BY_SLUG = {depth: _shown_by_slug(depth) for depth in SCOPE_DEPTHS}


async def get_shown(session: AsyncSession, scope: Scope, slug: str) -> Badge:
    """The badge with this slug in the scope (or below), to be shown or acted on but not
    changed itself; 404 otherwise. Its containers come in its own query, its five lists in
    one plain query (`read_lists`, remembered for `badge_read`)."""
    badge = await session.scalar(_SHOWN_BY_SLUG[scope.depth], {**scope.owner_ids(), "slug": slug})
    if badge is None:
        raise NotFound.for_field("badge", "slug", slug)
    lists = await read_lists(session, [badge.id])
    remember_lists(badge, lists[badge.id])
    return badge
