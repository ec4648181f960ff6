"""An application as the wire shows it, written by the database: the one read path for
applications (`ApplicationRead`: its columns, its whole badge, its evidence in order, an
uploaded file as its public image link).

The readings find the badge the URL names (`badge_id`, NULL when there is none: a 404) and
what the route shows of its applications, in the request's start statement.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.applications.filters import conditions, filters_of
from badgekit_api.badges.queries import BADGES, badge_document
from badgekit_api.db.driver import fetch_rows
from badgekit_api.db.json_sql import as_text, json_array_agg, json_object
from badgekit_api.db.listing import PagedReading, listed_documents
from badgekit_api.errors import NotFound
from badgekit_api.models import Application, ApplicationEvidence
from badgekit_api.scopes.containers import IMAGES, image_link, owned_by_named
from badgekit_api.scopes.start import Reading

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


_BY_ID = select(as_text(application_document()).label("application")).where(
    APPLICATIONS.c.id == bindparam("id")
)


async def application_by_id(session: AsyncSession, application_id: int, origin: str) -> str:
    """The JSON text of the application with this id (on the driver, db/driver.py: the
    answer of every write to an application)."""
    [found] = await fetch_rows(session, _BY_ID, {"id": application_id, "origin": origin})
    shown: str = found.application
    return shown


def _oldest_first(applications: Any) -> list[ColumnElement[Any]]:
    return [applications.c.created_at, applications.c.id]


def named_badge_id(depth: int) -> ColumnElement[Any]:
    """The id of the badge `{badge_slug}` in the URL's container or below it (or NULL)."""
    owned = owned_by_named(depth, BADGES.c.system_id, BADGES.c.issuer_id, BADGES.c.program_id)
    found = select(BADGES.c.id).where(owned, BADGES.c.slug == bindparam("badge_slug"))
    return found.scalar_subquery()


def named_application_id(depth: int) -> ColumnElement[Any]:
    """The id of the application `{application_slug}` of the URL's badge (or NULL)."""
    found = select(APPLICATIONS.c.id).where(
        APPLICATIONS.c.badge_id == named_badge_id(depth),
        APPLICATIONS.c.slug == bindparam("application_slug"),
    )
    return found.scalar_subquery()


class _Filtered(PagedReading):
    def filters(self, request: Request) -> Hashable:
        return filters_of(request.query_params).shape()

    def filter_params(self, request: Request, filters: Any) -> dict[str, Any]:
        return filters_of(request.query_params).params()


class ScopeApplications(_Filtered):
    """Applications for the badges of the URL's container and those below it, oldest
    first, filtered (`filters.py`): `applications`, and `total` when paged."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        paged, shape = variant
        owned = owned_by_named(depth, BADGES.c.system_id, BADGES.c.issuer_id, BADGES.c.program_id)
        listed = [
            APPLICATIONS.c.badge_id.in_(select(BADGES.c.id).where(owned)),
            *conditions(APPLICATIONS, shape),
        ]
        return listed_documents(
            APPLICATIONS,
            listed,
            application_document,
            label="applications",
            paged=paged,
            order=_oldest_first,
        )


class BadgeApplications(_Filtered):
    """The applications for the URL's badge, oldest first, filtered: `badge_id`,
    `applications`, and `total` when paged."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        paged, shape = variant
        listed = [
            APPLICATIONS.c.badge_id == named_badge_id(depth),
            *conditions(APPLICATIONS, shape),
        ]
        return [
            named_badge_id(depth).label("badge_id"),
            *listed_documents(
                APPLICATIONS,
                listed,
                application_document,
                label="applications",
                paged=paged,
                order=_oldest_first,
            ),
        ]


class OneApplication(Reading):
    """The application `{application_slug}` of the URL's badge: `badge_id`, `application`
    (JSON text), each NULL when there is none."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        shown = select(application_document()).where(
            APPLICATIONS.c.id == named_application_id(depth)
        )
        return [
            named_badge_id(depth).label("badge_id"),
            as_text(shown.scalar_subquery()).label("application"),
        ]


SCOPE_APPLICATIONS = ScopeApplications()
BADGE_APPLICATIONS = BadgeApplications()
ONE_APPLICATION = OneApplication()


def found_badge(row: Any, slug: str) -> None:
    """404 unless the start statement found the URL's badge."""
    if row is None or row.badge_id is None:
        raise NotFound.for_field("badge", "slug", slug)


def found_application(row: Any, badge_slug: str, slug: str) -> str:
    """The JSON text of the URL's application as the start statement read it; a 404
    naming the badge or the application when either is not there."""
    found_badge(row, badge_slug)
    if row.application is None:
        raise NotFound.for_field("application", "slug", slug)
    shown: str = row.application
    return shown
