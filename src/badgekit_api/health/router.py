"""`GET /` and `GET /healthcheck`, open to anyone (the Python client pings these)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from badgekit_api import __version__
from badgekit_api.http.edge import FixedAnswer

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)
APP_NAME = "BadgeKit API"


class Health(BaseModel):
    app: str
    version: str


@router.get("/", response_model=Health)
async def ping() -> Health:
    """The server's name and version."""
    return Health(app=APP_NAME, version=__version__)


def fixed_answers() -> dict[str, FixedAnswer]:
    """`GET /` as the edge sends it without routing (`http/edge.py`): the route's answer,
    made once (`tests/test_health.py` checks that the two are the same)."""
    ping_answer = JSONResponse(Health(app=APP_NAME, version=__version__).model_dump())
    return {"/": FixedAnswer.of(ping_answer)}


@router.get(
    "/healthcheck",
    response_model=Health,
    responses={503: {"description": "The database cannot be reached"}},
)
async def healthcheck(request: Request) -> Health | JSONResponse:
    """Like `/`, after checking that the database answers."""
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready"
        logger.warning("healthcheck: database unavailable: %s", type(exc).__name__)
        return JSONResponse(
            {
                "app": APP_NAME,
                "version": __version__,
                "code": "ServiceUnavailable",
                "message": "Database is unavailable",
            },
            status_code=503,
        )
    return Health(app=APP_NAME, version=__version__)
