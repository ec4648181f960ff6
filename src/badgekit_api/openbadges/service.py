"""Queries behind the public documents. Read-only: nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from badgekit_api.badges.links import badge_path_of
from badgekit_api.errors import NotFound
from badgekit_api.http.urls import PublicUrls
from badgekit_api.instances.rows import read_evidence
from badgekit_api.models import (
    Badge,
    BadgeInstance,
    Image,
    Issuer,
    Program,
    System,
)
from badgekit_api.openbadges.assertions import AssertionFacts
from badgekit_api.openbadges.baking import stored_extension
from badgekit_api.openbadges.links import baked_image_url
from badgekit_api.scopes import Scope


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
_badge_table = Badge.__table__
_issuer_table, _program_table = Issuer.__table__, Program.__table__
_image_table = Image.__table__
# The JSON documents' one row, built once: the instance, its badge's slug and containers'
# slugs (for the badge class URL) and its badge's image link and type (for the baked one).
ASSERTION_FACTS = (
    select(
        _instances.c.id,
        _instances.c.slug,
        _instances.c.email,
        _instances.c.salt,
        _instances.c.issued_on,
        _instances.c.expires,
        _instances.c.revoked_at,
        _instances.c.live,
        _instances.c.revocation_reason,
        _badge_table.c.slug.label("badge_slug"),
        System.__table__.c.slug.label("system_slug"),
        _issuer_table.c.slug.label("issuer_slug"),
        _program_table.c.slug.label("program_slug"),
        _image_table.c.slug.label("image_slug"),
        _image_table.c.url.label("image_url"),
        _image_table.c.mimetype.label("image_type"),
    )
    .select_from(
        _instances.join(_badge_table, _badge_table.c.id == _instances.c.badge_id)
        .join(System.__table__, System.__table__.c.id == _badge_table.c.system_id)
        .outerjoin(_issuer_table, _issuer_table.c.id == _badge_table.c.issuer_id)
        .outerjoin(_program_table, _program_table.c.id == _badge_table.c.program_id)
        .outerjoin(_image_table, _image_table.c.id == _badge_table.c.image_id)
    )
    .where(_instances.c.slug == bindparam("uid"))
)


async def assertion_facts(session: AsyncSession, uid: str, urls: PublicUrls) -> AssertionFacts:
    """What the JSON documents of the assertion with this uid show, read as plain rows (an
    ORM load of the instance with its badge and containers cost most of the request's
    CPU); 404 if there is none."""
    row = (await session.execute(ASSERTION_FACTS, {"uid": uid})).first()
    if row is None:
        raise NotFound.for_field("badgeInstance", "slug", uid)
    evidence = await read_evidence(session, [row.id])
    path = badge_path_of(row.system_slug, row.issuer_slug, row.program_slug, row.badge_slug)
    extension = stored_extension(row.image_url, row.image_type) if row.image_slug else None
    return AssertionFacts(
        uid=row.slug,
        email=row.email,
        salt=row.salt,
        issued_on=row.issued_on,
        expires=row.expires,
        revoked=row.revoked_at is not None or not row.live,
        revocation_reason=row.revocation_reason,
        badge_class_url=urls.absolute(f"/public{path}"),
        baked_image_url=baked_image_url(row.slug, extension, urls) if extension else None,
        evidence=tuple(evidence[row.id]),
    )
