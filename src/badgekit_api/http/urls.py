"""Absolute URLs for what we publish, from PUBLIC_URL or the request's own origin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request


@dataclass(frozen=True, slots=True)
class PublicUrls:
    origin: str

    def absolute(self, path: str) -> str:
        return f"{self.origin}{path}"

    def image(self, slug: str) -> str:
        return self.absolute(f"/public/images/{quote(slug)}")


# Async, like every dependency that never blocks: FastAPI runs a plain `def` dependency in
# a worker thread, a hop that costs more than the function itself.
async def public_urls(request: Request) -> PublicUrls:
    return PublicUrls(origin_of(request))


def origin_of(request: Request) -> str:
    """The origin of our public URLs for this request: PUBLIC_URL, or the request's own."""
    configured: str | None = request.app.state.settings.public_url
    if configured:
        return configured
    return f"{request.url.scheme}://{request.url.netloc}"


PublicUrlsDep = Annotated[PublicUrls, Depends(public_urls)]
