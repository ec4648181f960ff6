"""An application as the wire shows it, written by the database: the one read path for
applications (`ApplicationRead`: its columns, its whole badge, its evidence in order, an
uploaded file as its public image link)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.queries import BADGES, badge_document
from badgekit_api.db.json_sql import as_text, json_array_agg, json_object
from badgekit_api.models import Application, ApplicationEvidence
from badgekit_api.scopes.containers import IMAGES, image_link

APPLICATIONS: Table = Application.__table__  # type: ignore[assignment]
EVIDENCE: Table = ApplicationEvidence.__table__  # type: ignore[assignment]


def _evidence_url(evidence: Any) -> ColumnElement[Any]:
    """An uploaded file shows as its image's link; a given URL as itself."""
    image = IMAGES.alias()
    uploaded = select(image_link(image)).where(image.c.id == evidence.c.image_id)
    return func.coalesce(uploaded.scalar_subquery(), evidence.c.url)


def application_document(applications: Any = APPLICATIONS) -> ColumnElement[Any]:
    """The wire object of the application row `applications` (not its reviews)."""
    a = applications.c
    badge = BADGES.alias()
    evidence = json_object(
        {
            "url": _evidence_url(EVIDENCE),
            "mediaType": EVIDENCE.c.media_type,
            "reflection": EVIDENCE.c.reflection,
        }
    )
    return json_object(
        {
            "id": a.id,
            "slug": a.slug,
            "learner": a.learner,
            "created": a.created_at,
            "assignedTo": a.assigned_to,
            "assignedExpiration": a.assigned_expiration,
            "badge": select(badge_document(badge))
            .where(badge.c.id == a.badge_id)
            .scalar_subquery(),
            "processed": a.processed,
            "evidence": json_array_agg(
                select(evidence).where(EVIDENCE.c.application_id == a.id),
                order_by=[EVIDENCE.c.position, EVIDENCE.c.id],
            ),
        }
    )


_BY_ID = select(as_text(application_document())).where(APPLICATIONS.c.id == bindparam("id"))


async def application_by_id(session: AsyncSession, application_id: int, origin: str) -> str:
    """The JSON text of the application with this id."""
    shown: str = (
        await session.execute(_BY_ID, {"id": application_id, "origin": origin})
    ).scalar_one()
    return shown
