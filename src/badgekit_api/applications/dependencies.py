"""`{application_slug}` resolved among the applications of the badge in the URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from badgekit_api.applications import service as application_service
from badgekit_api.applications.evidence import EvidenceLimits
from badgekit_api.badges.dependencies import BadgeDep
from badgekit_api.db.database import SessionDep
from badgekit_api.models import Application
from badgekit_api.settings_dep import SettingsDep

ApplicationSlug = Annotated[str, Path(description="The application's slug")]


async def application_of_badge(
    application_slug: ApplicationSlug, badge: BadgeDep, session: SessionDep
) -> Application:
    """The application named in the URL, if it is one for the URL's badge; 404 otherwise."""
    return await application_service.get(session, badge, application_slug)


async def evidence_limits(settings: SettingsDep) -> EvidenceLimits:  # no thread hop (urls.py)
    return EvidenceLimits.from_settings(settings)


ApplicationDep = Annotated[Application, Depends(application_of_badge)]
EvidenceLimitsDep = Annotated[EvidenceLimits, Depends(evidence_limits)]
