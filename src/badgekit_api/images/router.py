"""`GET /public/images/{slug}`: stored bytes with caching headers, or a redirect to the link."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import undefer

from badgekit_api.db.database import SessionDep
from badgekit_api.errors import NotFound
from badgekit_api.fields import is_http_url
from badgekit_api.models import Image

router = APIRouter(tags=["images"])

# An image's bytes never change under its slug (a new upload gets a new slug).
IMMUTABLE = "public, max-age=31536000, immutable"
# SVG can carry script: never let it run in our origin when opened directly.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@router.get(
    "/public/images/{image_slug}",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}, "image/jpeg": {}, "image/gif": {}, "image/svg+xml": {}}},
        301: {"description": "The image lives elsewhere (it was given as an http(s) URL)"},
        304: {"description": "Not modified"},
        404: {"description": "No such image"},
    },
)
async def get_image(image_slug: str, request: Request, session: SessionDep) -> Response:
    """Serve an image by its slug."""
    image = await session.scalar(
        select(Image).options(undefer(Image.data)).where(Image.slug == image_slug)
    )
    if image is None or (image.url and not is_http_url(image.url)):
        # A link the API would not accept today (a `javascript:` or `data:` URL from an
        # older database, say) is never followed from this origin.
        raise NotFound.for_field("image", "slug", image_slug)
    if image.url:
        return RedirectResponse(image.url, status_code=301)
    etag = f'"{image.sha256}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if image.mimetype == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_POLICY
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(image.data, media_type=image.mimetype, headers=headers)
