"""An award (badge instance) as the wire shows it, written by the database: the one read
path for instances.

`instance_document(instances)` is the instance row's wire object (`InstanceRead`): its
columns, its assertion URL, its whole badge (`badges/queries.badge_document`) and its
evidence in the order it was given. An earner's instances, one award, and the answer of
an award all come from here.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, Integer, String, Table, bindparam, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.queries import BADGE_IN_URL, BADGES, badge_document, named_badge_id
from badgekit_api.db.driver import fetch_rows
from badgekit_api.db.json_sql import as_text, json_array_agg, json_object, one_of
from badgekit_api.db.listing import listed_documents
from badgekit_api.http.pagination import page_bounds, page_of
from badgekit_api.models import BadgeInstance, InstanceEvidence
from badgekit_api.openbadges.links import V3_QUERY
from badgekit_api.scopes.containers import ORIGIN, owned_by_named
from badgekit_api.scopes.start import Reading

INSTANCES: Table = BadgeInstance.__table__  # type: ignore[assignment]
_evidence: Table = InstanceEvidence.__table__  # type: ignore[assignment]


def assertion_link(instances: Any) -> ColumnElement[Any]:
    """The absolute URL of the instance's public assertion (`links.assertion_url`; slugs
    are made of URL-safe characters, so the path needs no escaping)."""
    link: ColumnElement[Any] = ORIGIN + literal("/public/assertions/", String) + instances.c.slug
    return link


def instance_document(instances: Any = INSTANCES) -> ColumnElement[Any]:
    """The wire object of the instance row `instances` (the table or an alias of it)."""
    n = instances.c
    badge = BADGES.alias()
    evidence = json_object({"url": _evidence.c.url, "narrative": _evidence.c.narrative})
    return json_object(
        {
            "slug": n.slug,
            "email": n.email,
            "expires": n.expires,
            "issuedOn": n.issued_on,
            "claimCode": n.claim_code,
            "assertionUrl": assertion_link(instances),
            # Its Open Badges 3.0 credential (`openbadges.links.v3`).
            "credentialUrl": assertion_link(instances) + literal(V3_QUERY, String),
            "badge": select(badge_document(badge))
            .where(badge.c.id == n.badge_id)
            .scalar_subquery(),
            "evidence": json_array_agg(
                select(evidence).where(_evidence.c.instance_id == n.id),
                order_by=(_evidence.c.position, _evidence.c.id),
            ),
            "comment": n.comment,
        }
    )


class EarnerInstances(Reading):
    """The standing awards of `{email}` (any case) of badges in the URL's container or
    below it, oldest first, the page that `page` and `count` ask for or all of them:
    `instances` (JSON text of the array) and `total` (when paged)."""

    def variant(self, request: Request) -> Hashable:
        return page_of(request) is not None

    def params(self, request: Request, variant: Any) -> dict[str, Any]:
        values: dict[str, Any] = {"earner": request.path_params["email"].lower()}
        page = page_of(request)
        if page is not None:
            values.update(limit=page.count, offset=page.offset)
        return values

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        # From the earner's few instances (by the email index) to their badges.
        held = INSTANCES.join(BADGES, BADGES.c.id == INSTANCES.c.badge_id)
        standing = (
            INSTANCES.c.email == bindparam("earner"),
            INSTANCES.c.live.is_(True),
            owned_by_named(depth, BADGES.c.system_id, BADGES.c.issuer_id, BADGES.c.program_id),
        )
        ids = select(INSTANCES.c.id).select_from(held).where(*standing)
        if not variant:
            shown = json_array_agg(
                select(instance_document()).select_from(held).where(*standing),
                order_by=INSTANCES.c.id,
            )
            return [as_text(shown).label("instances")]
        limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
        page = ids.order_by(INSTANCES.c.id).limit(limit).offset(offset).subquery("page")
        rows = INSTANCES.alias("paged")
        shown = json_array_agg(
            select(instance_document(rows)).select_from(page.join(rows, rows.c.id == page.c.id)),
            order_by=rows.c.id,
        )
        total = select(func.count()).select_from(ids.subquery()).scalar_subquery()
        return [as_text(shown).label("instances"), total.label("total")]


EARNER_INSTANCES = EarnerInstances()


class BadgeInstances(Reading):
    """The standing awards of the badge `{badge_slug}` (in the URL's container or below),
    oldest first, the page that `page` and `count` ask for or all of them: `instances`
    (JSON text), `badge_id` (NULL when the URL names no badge), `total` (when paged)."""

    def variant(self, request: Request) -> Hashable:
        return page_of(request) is not None

    def params(self, request: Request, variant: Any) -> dict[str, Any]:
        return page_bounds(request)

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        badge_id = named_badge_id(depth)
        standing = [INSTANCES.c.badge_id == badge_id, INSTANCES.c.live.is_(True)]
        listed = listed_documents(
            INSTANCES, standing, instance_document, paged=variant, label="instances"
        )
        return [badge_id.label("badge_id"), *listed]


BADGE_INSTANCES = BadgeInstances()


class EarnersInstance(Reading):
    """The standing award of the badge `{badge_slug}` to `{email}` (any case): `instance`
    (JSON text) and `instance_id`, NULL when there is none; the badge as `BADGE_IN_URL`
    reads it (`acting`, `badge`), for a route that acts on the award (revokes it)."""

    def params(self, request: Request, variant: Any) -> dict[str, Any]:
        return {"earner": request.path_params["email"].lower()}

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        held = (
            INSTANCES.c.badge_id == named_badge_id(depth),
            INSTANCES.c.email == bindparam("earner"),
            INSTANCES.c.live.is_(True),
        )
        shown = select(instance_document()).where(*held).scalar_subquery()
        return [
            *BADGE_IN_URL.columns(depth, variant),
            as_text(shown).label("instance"),
            select(INSTANCES.c.id).where(*held).scalar_subquery().label("instance_id"),
        ]


EARNERS_INSTANCE = EarnersInstance()

_BY_IDS = (
    select(INSTANCES.c.id, as_text(instance_document()).label("instance"))
    .where(one_of(INSTANCES.c.id, "ids"))
    .order_by(INSTANCES.c.id)
)


async def instances_by_id(session: AsyncSession, ids: list[int], origin: str) -> dict[int, str]:
    """The JSON text of each of these instances, by id, in one statement."""
    if not ids:
        return {}
    found = await fetch_rows(session, _BY_IDS, {"ids": ids, "origin": origin})
    return {row.id: row.instance for row in found}
