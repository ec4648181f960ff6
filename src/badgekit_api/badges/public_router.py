"""`GET /public/badges`: the catalogue of badge classes, for anyone, without a token."""

from __future__ import annotations

from fastapi import APIRouter

from badgekit_api.badges import service as badge_service
from badgekit_api.badges.links import badge_class_url
from badgekit_api.badges.schemas import BadgeClassLink, PublicBadgeList
from badgekit_api.db.database import SessionDep
from badgekit_api.http.urls import PublicUrlsDep

router = APIRouter(tags=["public"])


@router.get("/public/badges", response_model=PublicBadgeList)
async def list_public_badges(session: SessionDep, urls: PublicUrlsDep) -> PublicBadgeList:
    """The URL of every badge class that is not archived, in creation order."""
    badges = await session.scalars(badge_service.public_statement())
    return PublicBadgeList(
        badgelist=[BadgeClassLink(location=badge_class_url(badge, urls)) for badge in badges]
    )
