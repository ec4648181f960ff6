"""Queries behind the public documents. Read-only: nothing here writes."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from badgekit_api.badges.links import badge_path_of
from badgekit_api.db.json_sql import json_array_agg, json_object
from badgekit_api.errors import NotFound
from badgekit_api.http.urls import PublicUrls
from badgekit_api.models import (
    Badge,
    BadgeInstance,
    Image,
    InstanceEvidence,
    Issuer,
    Program,
    System,
)
from badgekit_api.models.base import utcnow
from badgekit_api.openbadges.assertions import AssertionFacts
from badgekit_api.openbadges.baking import stored_extension
from badgekit_api.openbadges.links import baked_image_url
from badgekit_api.openbadges.negotiation import Version, choose
from badgekit_api.scopes import Scope
from badgekit_api.scopes.start import Reading, start_statement


def _instance_statement() -> Select[BadgeInstance]:
    """The instance with what the badge page and the baked image show, in three queries:
    its badge, the badge's image and containers (each with its image) in the instance
    query's own joins, then its evidence and the badge's criteria."""
    badge = joinedload(BadgeInstance.badge)
    return select(BadgeInstance).options(
        badge.joinedload(Badge.image),
        badge.joinedload(Badge.system).joinedload(System.image),
        badge.joinedload(Badge.issuer).joinedload(Issuer.image),
        badge.joinedload(Badge.program).joinedload(Program.image),
        badge.selectinload(Badge.criteria),
        selectinload(BadgeInstance.evidence),
    )


# Built once, with a bound uid (building it with its loader options costs more CPU than
# running it).
_INSTANCE_FOR = _instance_statement().where(BadgeInstance.slug == bindparam("uid"))


async def get_instance(session: AsyncSession, uid: str) -> BadgeInstance:
    """The badge instance with this uid (its slug), loaded for the badge page; 404 if none."""
    instance = await session.scalar(_INSTANCE_FOR, {"uid": uid})
    if instance is None:
        raise NotFound.for_field("badgeInstance", "slug", uid)
    return instance


async def instances_named(session: AsyncSession, *uids: str) -> dict[str, BadgeInstance]:
    """Those of the uids that name an instance, each with its instance."""
    statement = _instance_statement().where(BadgeInstance.slug.in_(uids))
    return {instance.slug: instance for instance in await session.scalars(statement)}


async def image_bytes(session: AsyncSession, image: Image) -> bytes:
    """The stored bytes of an image (deferred on the row, so read them on demand)."""
    data = await session.scalar(select(Image.data).where(Image.id == image.id))
    return data or b""


def issued_by(scope: Scope) -> ColumnElement[bool]:
    """Badges issued by the scope's own profile: those at exactly the scope's level."""
    if scope.program is not None:
        return Badge.program_id == scope.program.id
    if scope.issuer is not None:
        return and_(Badge.issuer_id == scope.issuer.id, Badge.program_id.is_(None))
    return and_(Badge.system_id == scope.system.id, Badge.issuer_id.is_(None))


async def revoked_instances(session: AsyncSession, scope: Scope) -> Sequence[BadgeInstance]:
    """The revoked assertions of the badges the scope's profile issues, oldest first."""
    statement = (
        select(BadgeInstance)
        .join(Badge, BadgeInstance.badge_id == Badge.id)
        .where(
            issued_by(scope),
            or_(BadgeInstance.revoked_at.is_not(None), BadgeInstance.live.is_(None)),
        )
        .order_by(BadgeInstance.revoked_at, BadgeInstance.id)
    )
    return (await session.scalars(statement)).all()


_instances = BadgeInstance.__table__
_evidence = InstanceEvidence.__table__
_badge_table = Badge.__table__
_issuer_table, _program_table = Issuer.__table__, Program.__table__
_image_table = Image.__table__


class AssertionFactsReading(Reading):
    """What the JSON documents of the assertion `{uid}` show, as one JSON object (`facts`,
    NULL when there is no such assertion): the instance, its badge's slug and containers'
    slugs (for the badge class URL), its badge's image (for the baked one), its evidence."""

    def variant(self, request: Request) -> Hashable:
        """Whether the request asks for a JSON document (the badge page reads the instance
        in full, `get_instance`)."""
        choice = choose(request.headers.get("accept"), request.query_params.get("v"), page=True)
        return choice.version is not Version.PAGE

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        if not variant:
            return []
        evidence = json_object({"url": _evidence.c.url, "narrative": _evidence.c.narrative})
        facts = json_object(
            {
                "uid": _instances.c.slug,
                "email": _instances.c.email,
                "salt": _instances.c.salt,
                "issuedOn": _instances.c.issued_on,
                "expires": _instances.c.expires,
                "revoked": or_(_instances.c.revoked_at.is_not(None), _instances.c.live.is_(None)),
                "revocationReason": _instances.c.revocation_reason,
                "badge": _badge_table.c.slug,
                "system": System.__table__.c.slug,
                "issuer": _issuer_table.c.slug,
                "program": _program_table.c.slug,
                "imageSlug": _image_table.c.slug,
                "imageUrl": _image_table.c.url,
                "imageType": _image_table.c.mimetype,
                "evidence": json_array_agg(
                    select(evidence).where(_evidence.c.instance_id == _instances.c.id),
                    order_by=_evidence.c.id,
                ),
            }
        )
        found = (
            select(facts)
            .select_from(
                _instances.join(_badge_table, _badge_table.c.id == _instances.c.badge_id)
                .join(System.__table__, System.__table__.c.id == _badge_table.c.system_id)
                .outerjoin(_issuer_table, _issuer_table.c.id == _badge_table.c.issuer_id)
                .outerjoin(_program_table, _program_table.c.id == _badge_table.c.program_id)
                .outerjoin(_image_table, _image_table.c.id == _badge_table.c.image_id)
            )
            .where(_instances.c.slug == bindparam("uid"))
        )
        return [found.scalar_subquery().label("facts")]


ASSERTION_FACTS = AssertionFactsReading()


def assertion_facts(facts: dict[str, Any] | None, uid: str, urls: PublicUrls) -> AssertionFacts:
    """The facts of `ASSERTION_FACTS` as the documents take them; 404 if there are none."""
    if facts is None:
        raise NotFound.for_field("badgeInstance", "slug", uid)
    path = badge_path_of(facts["system"], facts["issuer"], facts["program"], facts["badge"])
    image_slug = facts["imageSlug"]
    extension = stored_extension(facts["imageUrl"], facts["imageType"]) if image_slug else None
    expires = facts["expires"]
    return AssertionFacts(
        uid=facts["uid"],
        email=facts["email"],
        salt=facts["salt"],
        issued_on=datetime.fromisoformat(facts["issuedOn"]),
        expires=datetime.fromisoformat(expires) if expires else None,
        revoked=facts["revoked"],
        revocation_reason=facts["revocationReason"],
        badge_class_url=urls.absolute(f"/public{path}"),
        baked_image_url=baked_image_url(facts["uid"], extension, urls) if extension else None,
        evidence=tuple((item["url"], item["narrative"]) for item in facts["evidence"]),
    )


async def read_assertion_facts(session: AsyncSession, uid: str, urls: PublicUrls) -> AssertionFacts:
    """`ASSERTION_FACTS` read outside a request's start (a statement of its own)."""
    statement = start_statement(-1, False, ASSERTION_FACTS, True)
    assert statement is not None
    params = {"uid": uid, "origin": urls.origin, "now": utcnow()}
    facts = (await session.execute(statement, params)).scalar_one()
    return assertion_facts(facts, uid, urls)
