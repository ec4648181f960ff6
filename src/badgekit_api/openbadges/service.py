"""Queries behind the public documents. Read-only: nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from badgekit_api.errors import NotFound
from badgekit_api.models import Badge, BadgeInstance, Image, Issuer, Program, System
from badgekit_api.scopes import Scope


def _instance_statement(*, page: bool) -> Select[BadgeInstance]:
    """The instance with what its documents show, in two queries (the evidence in the
    second): its badge, the badge's image and containers come in the instance query's own
    joins. The HTML page also shows the containers' images and the badge's criteria; the
    JSON documents only link the badge class, so each joined row they skip is ORM work
    saved on the most requested public URL."""
    badge = joinedload(BadgeInstance.badge)
    system, issuer, program = (
        badge.joinedload(Badge.system),
        badge.joinedload(Badge.issuer),
        badge.joinedload(Badge.program),
    )
    options = [badge.joinedload(Badge.image), selectinload(BadgeInstance.evidence)]
    if page:
        options += [
            system.joinedload(System.image),
            issuer.joinedload(Issuer.image),
            program.joinedload(Program.image),
            badge.selectinload(Badge.criteria),
        ]
    else:
        options += [system, issuer, program]
    return select(BadgeInstance).options(*options)


# Built once, with a bound uid: every backpack and verifier reads assertions, and building
# the statement with its loader options cost more CPU than running it.
_INSTANCE_FOR = {
    page: _instance_statement(page=page).where(BadgeInstance.slug == bindparam("uid"))
    for page in (True, False)
}


async def get_instance(session: AsyncSession, uid: str, *, page: bool = True) -> BadgeInstance:
    """The badge instance with this uid (its slug), with its badge and evidence; 404 if none.
    `page=False` when only a JSON document is wanted (it leaves the badge's lists out)."""
    instance = await session.scalar(_INSTANCE_FOR[page], {"uid": uid})
    if instance is None:
        raise NotFound.for_field("badgeInstance", "slug", uid)
    return instance


async def instances_named(session: AsyncSession, *uids: str) -> dict[str, BadgeInstance]:
    """Those of the uids that name an instance, each with its instance."""
    statement = _instance_statement(page=True).where(BadgeInstance.slug.in_(uids))
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
