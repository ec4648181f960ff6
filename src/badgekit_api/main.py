"""create_app(settings): the ASGI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from badgekit_api import __version__
from badgekit_api.api import build_api_router
from badgekit_api.config import Settings
from badgekit_api.database import create_engine, create_session_factory
from badgekit_api.errors import install_error_handlers
from badgekit_api.webhooks.worker import running_in_background


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = create_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with running_in_background(settings, app.state.session_factory):
            yield
        await engine.dispose()

    app = FastAPI(
        title="BadgeKit API",
        version=__version__,
        description="Create, organise, assess, issue and publish Open Badges.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    install_error_handlers(app)
    app.include_router(build_api_router())
    return app
