"""Everything one system holds about one email, read in three statements: the awards, the
applications with their reviews, the claimed codes. The awards and applications are the
wire documents of their own read paths (instances/queries.py, applications/queries.py,
reviews/queries.py), so they look here as they do everywhere."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.applications.queries import APPLICATIONS, application_document
from badgekit_api.badges.queries import BADGES
from badgekit_api.db.json_sql import as_text, json_array_agg
from badgekit_api.earners.schemas import (
    EarnerApplication,
    EarnerAward,
    EarnerClaim,
    EarnerData,
)
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.queries import INSTANCES, instance_document
from badgekit_api.models import ClaimCode
from badgekit_api.reviews.queries import REVIEWS, review_document
from badgekit_api.scopes.containers import Container

_codes: Table = ClaimCode.__table__  # type: ignore[assignment]
_SYSTEM_BADGES = select(BADGES.c.id).where(BADGES.c.system_id == bindparam("system_id"))

_AWARDS = (
    select(
        as_text(instance_document()),
        INSTANCES.c.live,
        INSTANCES.c.revoked_at,
        INSTANCES.c.revocation_reason,
    )
    .where(INSTANCES.c.email == bindparam("email"), INSTANCES.c.badge_id.in_(_SYSTEM_BADGES))
    .order_by(INSTANCES.c.issued_on, INSTANCES.c.id)
)
_APPLICATIONS = (
    select(
        as_text(application_document()),
        as_text(
            json_array_agg(
                select(review_document()).where(REVIEWS.c.application_id == APPLICATIONS.c.id),
                order_by=REVIEWS.c.id,
            )
        ),
    )
    .where(
        APPLICATIONS.c.learner == bindparam("email"),
        APPLICATIONS.c.badge_id.in_(_SYSTEM_BADGES),
    )
    .order_by(APPLICATIONS.c.created_at, APPLICATIONS.c.id)
)
_CLAIMS = (
    select(_codes.c.code, BADGES.c.slug, _codes.c.claimed, _codes.c.multiuse)
    .join(BADGES, BADGES.c.id == _codes.c.badge_id)
    .where(_codes.c.system_id == bindparam("system_id"), _codes.c.email == bindparam("email"))
    .order_by(_codes.c.id)
)


async def earner_data(
    session: AsyncSession, system: Container, email: str, urls: PublicUrls
) -> EarnerData:
    """Awards (revoked ones too), applications with their reviews, and claimed codes."""
    params: dict[str, Any] = {"email": email, "system_id": system.id, "origin": urls.origin}
    awards = await session.execute(_AWARDS, params)
    applications = await session.execute(_APPLICATIONS, params)
    claims = await session.execute(_CLAIMS, params)
    return EarnerData(
        email=email,
        instances=[
            EarnerAward.model_validate(
                {
                    **orjson.loads(document),
                    "revoked": live is not True,
                    "revoked_at": revoked_at,
                    "revocation_reason": reason,
                }
            )
            for document, live, revoked_at, reason in awards
        ],
        applications=[
            EarnerApplication.model_validate(
                {**orjson.loads(document), "reviews": orjson.loads(reviews)}
            )
            for document, reviews in applications
        ],
        claim_codes=[
            EarnerClaim(code=code, badge=badge, claimed=claimed, multiuse=multiuse)
            for code, badge, claimed, multiuse in claims
        ],
    )
