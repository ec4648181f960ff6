"""A badge rendered from its loaded ORM entity: left only for the modules that still load
one (applications, reviews, milestones, and `service.get_shown` behind their `BadgeDep`),
until they read their badges through `queries.py` like every other path (issue 16). Badges,
instances, claim codes and webhook payloads no longer come through here.
"""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import joinedload, selectinload

from badgekit_api.badges.lists import BadgeLists
from badgekit_api.badges.schemas import AlignmentRead, BadgeRead, CriterionRead, TagRead
from badgekit_api.containers.serializers import issuer_read, program_read, system_read
from badgekit_api.http.urls import PublicUrls
from badgekit_api.images.service import image_url
from badgekit_api.models import Badge, Issuer, Program, System

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
