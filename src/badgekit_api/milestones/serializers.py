"""A milestone as every endpoint shows it: its primary and support badges in full."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from badgekit_api.badges.serializers import BADGE_LOAD_OPTIONS, badge_read
from badgekit_api.http.urls import PublicUrls
from badgekit_api.milestones.schemas import MilestoneRead
from badgekit_api.models import Milestone

MILESTONE_LOAD_OPTIONS = (
    selectinload(Milestone.primary_badge).options(*BADGE_LOAD_OPTIONS),
    selectinload(Milestone.support_badges).options(*BADGE_LOAD_OPTIONS),
)


def milestone_read(milestone: Milestone, urls: PublicUrls) -> MilestoneRead:
    return MilestoneRead(
        id=milestone.id,
        action=milestone.action,
        number_required=milestone.number_required,
        primary_badge=badge_read(milestone.primary_badge, urls),
        support_badges=[badge_read(badge, urls) for badge in milestone.support_badges],
    )
