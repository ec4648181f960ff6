"""/docs (Swagger UI that signs "Try it out" requests in the browser), /redoc, and the
files both load, all from this process: the pages work on a closed network."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse

from badgekit_api.api_docs import pages
from badgekit_api.api_docs.assets import assets
from badgekit_api.errors import NotFound

ASSETS_PATH = "/docs/assets"
# Only our own files run; Swagger UI and ReDoc set inline styles and draw with data: images,
# ReDoc starts a web worker from a blob: URL, and every request goes back to this server.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
# The bundles change only with the installed package: let browsers keep them for a day.
# (nosniff, as on every answer, comes from security_headers.py.)
_ASSET_HEADERS = {"Cache-Control": "public, max-age=86400"}


def install_api_docs(app: FastAPI) -> None:
    """Serve the reference pages; the app must be created with docs_url=None, redoc_url=None
    so that FastAPI's own pages (which load their assets from a CDN) are not there too."""
    openapi_url = app.openapi_url or "/openapi.json"
    title = app.title
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    async def swagger_page() -> HTMLResponse:
        html = pages.swagger(title=title, openapi_url=openapi_url, assets_path=ASSETS_PATH)
        return HTMLResponse(html, headers=_PAGE_HEADERS)

    @router.get("/redoc")
    async def redoc_page() -> HTMLResponse:
        html = pages.redoc(title=title, openapi_url=openapi_url, assets_path=ASSETS_PATH)
        return HTMLResponse(html, headers=_PAGE_HEADERS)

    @router.get(ASSETS_PATH + "/{name}")
    async def asset(name: str) -> FileResponse:
        found = assets().get(name)
        if found is None:
            raise NotFound(f"No documentation asset named {name!r}")
        return FileResponse(found.path, media_type=found.media_type, headers=_ASSET_HEADERS)

    app.include_router(router)
