"""create_app(settings): the ASGI application."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from badgekit_api import __version__
from badgekit_api.api import install_routes
from badgekit_api.api_docs import install_api_docs
from badgekit_api.config import Settings
from badgekit_api.db.database import create_engine, create_session_factory
from badgekit_api.errors import install_error_handlers
from badgekit_api.health.router import fixed_answers
from badgekit_api.http.edge import Edge, EdgeFastAPI
from badgekit_api.http.openapi import install_openapi
from badgekit_api.http.routing.index import index_routes
from badgekit_api.security.shared_state import build_shared_state
from badgekit_api.webhooks.addresses import AddressPolicy
from badgekit_api.webhooks.worker import running_in_background


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = create_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with running_in_background(settings, app.state.session_factory):
            # Everything loaded so far (modules, routes, models) lives as long as the
            # process: keep it out of the collector's full passes, which otherwise rescan
            # it again and again under load.
            gc.freeze()
            yield
        await app.state.shared.close()
        await engine.dispose()

    app = EdgeFastAPI(
        title="BadgeKit API",
        version=__version__,
        description="Create, organise, assess, issue and publish Open Badges.",
        lifespan=lifespan,
        # Served by api_docs from installed files: FastAPI's own pages load from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine, settings)
    app.state.read_session_factory = create_session_factory(engine, settings, autocommit=True)
    app.state.shared = build_shared_state(settings, app.state.session_factory)
    app.state.webhook_addresses = AddressPolicy.from_settings(settings)
    install_error_handlers(app)
    install_routes(app.router)
    install_openapi(app)
    install_api_docs(app)
    index_routes(app.router)
    # In front of everything: every response, a 413 and a 500 included, gets its request
    # id and the security headers there, and `GET /` is answered there.
    app.edge = Edge(
        app.routed, handlers=app, max_bytes=settings.max_body_bytes, fixed=fixed_answers()
    )
    return app
