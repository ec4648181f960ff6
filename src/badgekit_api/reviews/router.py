"""`.../badges/{badge}/applications/{application}/reviews`, at every container level.

Every answer is the review as `queries.py` writes it: reads find it in the request's start
statement, writes read it back after changing its rows.
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse

from badgekit_api.applications import queries as application_queries
from badgekit_api.applications.dependencies import ApplicationSlug
from badgekit_api.badges.dependencies import BadgeSlug
from badgekit_api.badges.links import badge_path_of
from badgekit_api.db.database import SessionDep
from badgekit_api.http.body import Body
from badgekit_api.http.json_text import JsonText, object_response, page_response
from badgekit_api.http.pagination import PageDep
from badgekit_api.reviews import queries
from badgekit_api.reviews import service as review_service
from badgekit_api.reviews.schemas import (
    ReviewChanged,
    ReviewCreate,
    ReviewDeleted,
    ReviewEnvelope,
    ReviewList,
    ReviewUpdate,
)
from badgekit_api.scopes.start import StartedDep, reads

router = APIRouter(
    prefix="/badges/{badge_slug}/applications/{application_slug}/reviews", tags=["reviews"]
)
ReviewSlug = Annotated[str, Path(description="The review's slug")]


def _location(application: str, slug: str) -> str:
    """The new review's path, under its badge's own level."""
    shown = orjson.loads(application)
    badge = shown["badge"]
    issuer, program = badge["issuer"], badge["program"]
    path = badge_path_of(
        badge["system"]["slug"],
        issuer["slug"] if issuer else None,
        program["slug"] if program else None,
        badge["slug"],
    )
    return f"{path}/applications/{shown['slug']}/reviews/{slug}"


@router.get("", response_model=ReviewList, response_class=JSONResponse)
@reads(queries.APPLICATION_REVIEWS)
async def list_reviews(
    badge_slug: BadgeSlug, application_slug: ApplicationSlug, started: StartedDep, page: PageDep
) -> Response:
    """The application's reviews, oldest first."""
    queries.found_application_id(started.row, badge_slug, application_slug)
    return page_response("reviews", started.row, page)


@router.post("", response_model=ReviewChanged, status_code=201, response_class=JSONResponse)
@reads(queries.REVIEW_TARGET)
async def create_review(
    badge_slug: BadgeSlug,
    application_slug: ApplicationSlug,
    started: StartedDep,
    session: SessionDep,
    data: ReviewCreate = Body(ReviewCreate),
) -> Response:
    """Submit a review; the system's webhooks hear of it, with whether it approves."""
    application = application_queries.found_application(started.row, badge_slug, application_slug)
    webhooks = queries.webhook_ids(started.row)
    slug, shown = await review_service.create(session, application, data, webhooks)
    return object_response(
        {"status": "created", "review": JsonText(shown)},
        status_code=201,
        headers={"Location": _location(application, slug)},
    )


@router.get("/{review_slug}", response_model=ReviewEnvelope, response_class=JSONResponse)
@reads(queries.ONE_REVIEW)
async def get_review(
    review_slug: ReviewSlug,  # noqa: ARG001 - the documented path parameter
    request: Request,
    started: StartedDep,
) -> Response:
    """One of the application's reviews."""
    _, review = queries.found_review(started.row, request.path_params)
    return object_response({"review": JsonText(review)})


@router.put("/{review_slug}", response_model=ReviewChanged, response_class=JSONResponse)
@reads(queries.ONE_REVIEW)
async def update_review(
    review_slug: ReviewSlug,  # noqa: ARG001 - the documented path parameter
    request: Request,
    started: StartedDep,
    session: SessionDep,
    data: ReviewUpdate = Body(ReviewUpdate),
) -> Response:
    """Update the given fields; absent ones (`reviewItems` too) are kept. The webhooks hear
    of the updated review as of a new one."""
    application, review = queries.found_review(started.row, request.path_params)
    review_id = orjson.loads(review)["id"]
    webhooks = queries.webhook_ids(started.row)
    shown = await review_service.update_review(session, application, review_id, data, webhooks)
    return object_response({"status": "updated", "review": JsonText(shown)})


@router.delete("/{review_slug}", response_model=ReviewDeleted, response_class=JSONResponse)
@reads(queries.ONE_REVIEW)
async def delete_review(
    review_slug: ReviewSlug,  # noqa: ARG001 - the documented path parameter
    request: Request,
    started: StartedDep,
    session: SessionDep,
) -> Response:
    """Delete a review (no webhook event). The reference answers it under `badge`; the
    same object is under `review` beside it."""
    _, review = queries.found_review(started.row, request.path_params)
    await review_service.delete_review(session, orjson.loads(review)["id"])
    return object_response(
        {"status": "deleted", "badge": JsonText(review), "review": JsonText(review)}
    )
