"""`{review_slug}` resolved among the reviews of the application in the URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from badgekit_api.applications.dependencies import ApplicationDep
from badgekit_api.db.database import SessionDep
from badgekit_api.models import Review
from badgekit_api.reviews import service as review_service

ReviewSlug = Annotated[str, Path(description="The review's slug")]


async def review_of_application(
    review_slug: ReviewSlug, application: ApplicationDep, session: SessionDep
) -> Review:
    """The review named in the URL, if it is one of the URL's application; 404 otherwise."""
    return await review_service.get(session, application, review_slug)


ReviewDep = Annotated[Review, Depends(review_of_application)]
