"""Queries behind the public documents. Read-only: nothing here writes."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.links import badge_path_of
from badgekit_api.badges.queries import badge_document
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
from badgekit_api.openbadges.assertions import AssertionFacts, BadgeImage
from badgekit_api.openbadges.baking import stored_extension
from badgekit_api.openbadges.links import baked_image_url
from badgekit_api.openbadges.negotiation import Choice, Version, choose
from badgekit_api.scopes import Scope
from badgekit_api.scopes.start import Reading, start_statement


async def image_bytes(session: AsyncSession, image_slug: str) -> bytes:
    """The stored bytes of an image (deferred on the row, so read them on demand)."""
    data = await session.scalar(select(Image.data).where(Image.slug == image_slug))
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


# What a request for an assertion URL reads (`AssertionFactsReading.variant`).
DOCUMENT, PAGE = "document", "page"


def _facts(uid: Any, *, with_badge: bool) -> ColumnElement[Any]:
    """The assertion with this uid as one JSON object (NULL when there is none): the
    instance, its badge's slugs and image, its evidence, and for the badge page the whole
    badge (`badges/queries.badge_document`)."""
    evidence = json_object({"url": _evidence.c.url, "narrative": _evidence.c.narrative})
    fields: dict[str, Any] = {
        "id": _instances.c.id,
        "uid": _instances.c.slug,
        "email": _instances.c.email,
        "salt": _instances.c.salt,
        "publishedIdentity": _instances.c.published_identity,
        "issuedOn": _instances.c.issued_on,
        "expires": _instances.c.expires,
        "revoked": or_(_instances.c.revoked_at.is_not(None), _instances.c.live.is_(None)),
        "revokedAt": _instances.c.revoked_at,
        "revocationReason": _instances.c.revocation_reason,
        "badge": _badge_table.c.slug,
        "system": System.__table__.c.slug,
        "issuer": _issuer_table.c.slug,
        "program": _program_table.c.slug,
        "imageSlug": _image_table.c.slug,
        "imageUrl": _image_table.c.url,
        "imageType": _image_table.c.mimetype,
        "imageSha256": _image_table.c.sha256,
        "evidence": json_array_agg(
            select(evidence).where(_evidence.c.instance_id == _instances.c.id),
            order_by=(_evidence.c.position, _evidence.c.id),
        ),
    }
    if with_badge:
        fields["badgeDocument"] = badge_document(_badge_table)
    found = (
        select(json_object(fields))
        .select_from(
            _instances.join(_badge_table, _badge_table.c.id == _instances.c.badge_id)
            .join(System.__table__, System.__table__.c.id == _badge_table.c.system_id)
            .outerjoin(_issuer_table, _issuer_table.c.id == _badge_table.c.issuer_id)
            .outerjoin(_program_table, _program_table.c.id == _badge_table.c.program_id)
            .outerjoin(_image_table, _image_table.c.id == _badge_table.c.image_id)
        )
        .where(_instances.c.slug == uid)
    )
    return found.scalar_subquery()


class AssertionFactsReading(Reading):
    """The assertion `{uid}` as `facts` (`_facts`): for a 1.0 or 2.0 document without its
    badge, for the badge page and the 3.0 credential (which embeds the achievement) with it."""

    def variant(self, request: Request) -> Hashable:
        choice = choose_for(request)
        return PAGE if choice.version in (Version.PAGE, Version.OB3) else DOCUMENT

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        return [_facts(bindparam("uid"), with_badge=variant == PAGE).label("facts")]


ASSERTION_FACTS = AssertionFactsReading()


def choose_for(request: Request) -> Choice:
    """The form of an assertion a request asks for (its `v`, `format` and `Accept`)."""
    return choose(
        request.headers.get("accept"),
        request.query_params.get("v"),
        page=True,
        credential=True,
        output_format=request.query_params.get("format"),
    )


class BakedImageFacts(Reading):
    """For `/public/assertions/{uid}.png` (or `.svg`): the assertion `{uid}` as `facts`,
    and as `whole` the one whose uid is the whole name (a uid may end in `.png`), with its
    badge for the page."""

    def __init__(self, extension: str) -> None:
        self.extension = extension

    def params(self, request: Request, variant: Any) -> dict[str, Any]:
        return {"whole": f"{request.path_params['uid']}.{self.extension}"}

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        return [
            _facts(bindparam("uid"), with_badge=False).label("facts"),
            _facts(bindparam("whole"), with_badge=True).label("whole"),
        ]


BAKED_PNG, BAKED_SVG = BakedImageFacts("png"), BakedImageFacts("svg")


def assertion_facts(facts: dict[str, Any] | None, uid: str, urls: PublicUrls) -> AssertionFacts:
    """The facts of `_facts` as the documents and the page take them; 404 if there are
    none."""
    if facts is None:
        raise NotFound.for_field("badgeInstance", "slug", uid)
    path = badge_path_of(facts["system"], facts["issuer"], facts["program"], facts["badge"])
    image = (
        BadgeImage(facts["imageSlug"], facts["imageUrl"], facts["imageType"], facts["imageSha256"])
        if facts["imageSlug"]
        else None
    )
    extension = stored_extension(image.url, image.mimetype) if image else None
    return AssertionFacts(
        uid=facts["uid"],
        email=facts["email"],
        salt=facts["salt"],
        issued_on=_moment(facts["issuedOn"]),
        expires=_moment(facts["expires"]),
        revoked=facts["revoked"],
        revoked_at=_moment(facts["revokedAt"]),
        revocation_reason=facts["revocationReason"],
        badge_class_url=urls.absolute(f"/public{path}"),
        baked_image_url=baked_image_url(facts["uid"], extension, urls) if extension else None,
        evidence=tuple((item["url"], item["narrative"]) for item in facts["evidence"]),
        image=image,
        badge=facts.get("badgeDocument"),
        instance_id=facts["id"],
        published_identity=facts["publishedIdentity"],
    )


def _moment(value: str | None) -> Any:
    return datetime.fromisoformat(value) if value else None


async def read_assertion_facts(session: AsyncSession, uid: str, urls: PublicUrls) -> AssertionFacts:
    """`ASSERTION_FACTS` (with the badge) read outside a request's start."""
    statement = start_statement(-1, False, ASSERTION_FACTS, PAGE)
    assert statement is not None
    params = {"uid": uid, "origin": urls.origin, "now": utcnow()}
    facts = (await session.execute(statement, params)).scalar_one()
    return assertion_facts(facts, uid, urls)
