"""Application writes, as Core statements. The caller owns the transaction and answers
through `applications/queries.py`."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.applications.assignment import assign
from badgekit_api.applications.evidence import EvidenceLimits, drop_evidence, evidence_values
from badgekit_api.applications.queries import APPLICATIONS, EVIDENCE
from badgekit_api.applications.schemas import ApplicationCreate, ApplicationUpdate
from badgekit_api.badges.queries import ActingBadge
from badgekit_api.db.insert_together import Children, Together, insert_together
from badgekit_api.errors import ValidationFailed
from badgekit_api.models.base import utcnow


def new_slug() -> str:
    return secrets.token_hex(16)


async def create(
    session: AsyncSession, badge: ActingBadge, data: ApplicationCreate, limits: EvidenceLimits
) -> tuple[int, str]:
    """A new application for the badge: its id and slug. On PostgreSQL the application and
    its evidence are one statement (`insert_together`), the request's only write but for
    the uploaded evidence images, whose insert begins the transaction before it."""
    evidence = await evidence_values(session, data.evidence, limits)
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
    created = await insert_together(
        session,
        Together(
            parent=APPLICATIONS,
            key="slug",
            rows=[application],
            returning=(),
            children=(
                Children(EVIDENCE, "application_id", [{"parent": slug, **e} for e in evidence]),
            ),
        ),
        alone=True,
    )
    return created[slug].id, slug


async def update_application(
    session: AsyncSession, application_id: int, data: ApplicationUpdate, limits: EvidenceLimits
) -> None:
    """Apply the fields present in `data` to the application; `evidence`, when given,
    replaces all of it."""
    given = data.model_fields_set
    values: dict[str, Any] = {}
    if "learner" in given:
        if data.learner is None:
            raise ValidationFailed.field("learner", None, "An application needs a learner")
        values["learner"] = data.learner
    if "processed" in given:
        values["processed"] = data.processed
    if "assigned_to" not in given and "assigned_expiration" in given:
        values["assigned_expiration"] = data.assigned_expiration
    if data.evidence is not None:
        evidence = await evidence_values(session, data.evidence, limits)
        await drop_evidence(session, application_id)
        if evidence:
            rows = [{"application_id": application_id, **item} for item in evidence]
            await session.execute(insert(EVIDENCE), rows)
    if values:
        await session.execute(
            update(APPLICATIONS).where(APPLICATIONS.c.id == application_id).values(values)
        )
    if "assigned_to" in given:
        await assign(
            session,
            application_id,
            data.assigned_to,
            data.assigned_expiration,
            deadline_given="assigned_expiration" in given,
        )


async def delete_application(session: AsyncSession, application_id: int) -> None:
    """Delete the application with its evidence (uploaded files too) and its reviews (the
    database cascades to those)."""
    await drop_evidence(session, application_id)
    await session.execute(delete(APPLICATIONS).where(APPLICATIONS.c.id == application_id))
