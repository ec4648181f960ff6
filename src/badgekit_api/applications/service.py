"""Application queries and writes. The caller owns the transaction: these only flush."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.applications.assignment import assign
from badgekit_api.applications.evidence import EvidenceLimits, drop_uploads, evidence_rows
from badgekit_api.applications.filters import ApplicationFilters
from badgekit_api.applications.queries import APPLICATIONS, EVIDENCE
from badgekit_api.applications.schemas import ApplicationCreate, ApplicationUpdate
from badgekit_api.applications.serializers import APPLICATION_LOAD_OPTIONS
from badgekit_api.badges import service as badge_service
from badgekit_api.badges.queries import ActingBadge
from badgekit_api.db.insert_together import Children, Together, insert_together
from badgekit_api.errors import NotFound, ValidationFailed
from badgekit_api.models import Application, ApplicationEvidence, Badge
from badgekit_api.models.base import utcnow
from badgekit_api.scopes import Scope


def new_slug() -> str:
    return secrets.token_hex(16)


def _listing(filters: ApplicationFilters) -> Select[Application]:
    statement = select(Application).options(*APPLICATION_LOAD_OPTIONS)
    return filters.apply(statement).order_by(Application.created_at, Application.id)


def badge_statement(badge: Badge, filters: ApplicationFilters) -> Select[Application]:
    """The badge's applications, oldest first."""
    return _listing(filters).where(Application.badge_id == badge.id)


def scope_statement(scope: Scope, filters: ApplicationFilters) -> Select[Application]:
    """Applications for the badges of the scope's container and below it, oldest first."""
    return (
        _listing(filters)
        .join(Badge, Application.badge_id == Badge.id)
        .where(badge_service.in_scope(scope))
    )


async def get(session: AsyncSession, badge: Badge, slug: str) -> Application:
    """The badge's application with this slug, fully loaded; 404 otherwise."""
    application = await session.scalar(
        select(Application)
        .options(*APPLICATION_LOAD_OPTIONS)
        .where(Application.badge_id == badge.id, Application.slug == slug),
        execution_options={"populate_existing": True},
    )
    if application is None:
        raise NotFound.for_field("application", "slug", slug)
    return application


async def reload(session: AsyncSession, application: Application) -> Application:
    """The application read back after a write, with everything a response shows."""
    reloaded = await session.scalar(
        select(Application)
        .options(*APPLICATION_LOAD_OPTIONS)
        .where(Application.id == application.id),
        execution_options={"populate_existing": True},
    )
    assert reloaded is not None
    return reloaded


async def create(
    session: AsyncSession, badge: ActingBadge, data: ApplicationCreate, limits: EvidenceLimits
) -> tuple[int, str]:
    """A new application for the badge: its id and slug. Written with Core inserts; on
    PostgreSQL the application and its evidence are one statement (`insert_together`)."""
    evidence = await evidence_rows(data.evidence, limits)
    slug = new_slug()
    application = {
        "slug": slug,
        "badge_id": badge.id,
        "learner": data.learner,
        "assigned_to": data.assigned_to,
        "assigned_expiration": data.assigned_expiration,
        "processed": None,
        "created_at": utcnow(),
    }
    given = [
        {"parent": slug, **await _evidence_values(session, row, at)}
        for at, row in enumerate(evidence)
    ]
    created = await insert_together(
        session,
        Together(
            parent=APPLICATIONS,
            key="slug",
            rows=[application],
            returning=(),
            children=(Children(EVIDENCE, "application_id", given),),
        ),
    )
    return created[slug].id, slug


async def _evidence_values(
    session: AsyncSession, row: ApplicationEvidence, position: int
) -> dict[str, Any]:
    """An evidence row's columns; an uploaded file is stored first, for its image id."""
    image_id = None
    if row.image is not None:
        session.add(row.image)
        await session.flush()
        image_id = row.image.id
    return {
        "position": position,
        "url": row.url,
        "media_type": row.media_type,
        "reflection": row.reflection,
        "image_id": image_id,
    }


async def update(
    session: AsyncSession,
    application: Application,
    data: ApplicationUpdate,
    limits: EvidenceLimits,
) -> Application:
    """Apply the fields present in `data` to a fully loaded application."""
    given = data.model_fields_set
    if "learner" in given:
        if data.learner is None:
            raise ValidationFailed.field("learner", None, "An application needs a learner")
        application.learner = data.learner
    if "processed" in given:
        application.processed = data.processed
    if data.evidence is not None:
        replaced = list(application.evidence)
        application.evidence = await evidence_rows(data.evidence, limits)
        await drop_uploads(session, replaced)
    if "assigned_to" not in given and "assigned_expiration" in given:
        application.assigned_expiration = data.assigned_expiration
    await session.flush()
    if "assigned_to" in given:
        await assign(
            session,
            application.id,
            data.assigned_to,
            data.assigned_expiration,
            deadline_given="assigned_expiration" in given,
        )
    return await reload(session, application)


async def delete(session: AsyncSession, application: Application) -> None:
    """Delete the application with its evidence (uploaded images too) and its reviews."""
    await drop_uploads(session, application.evidence)
    await session.delete(application)
    await session.flush()
