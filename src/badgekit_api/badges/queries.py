"""A badge as the wire shows it, written by the database: the one read path for badges.

`badge_document(badges)` is the badge row's full wire object (`BadgeRead`): its columns by
name, its image link, its system, issuer and program (each with its image link), and its
five lists (criteria, alignments, categories, tags, milestones) in the order they were
written, as one JSON object built in the statement that reads it. Everything that shows a
badge takes it from here: one badge, a page of them, the badge embedded in an instance, a
claim code, an application or a webhook payload.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Request
from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    Table,
    bindparam,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.links import badge_path_of
from badgekit_api.db.driver import fetch_rows
from badgekit_api.db.json_sql import as_text, json_array_agg, json_object, one_of
from badgekit_api.errors import NotFound
from badgekit_api.http.pagination import page_of
from badgekit_api.http.query_flags import either_flag
from badgekit_api.models import (
    Alignment,
    Badge,
    BadgeCategory,
    BadgeTag,
    Criterion,
    Milestone,
    Webhook,
    milestone_support_badges,
)
from badgekit_api.scopes.containers import (
    ISSUERS,
    PROGRAMS,
    SYSTEMS,
    container_document,
    image_of,
    owned_by_named,
)
from badgekit_api.scopes.start import Reading

BADGES: Table = Badge.__table__  # type: ignore[assignment]
_criteria: Table = Criterion.__table__  # type: ignore[assignment]
_alignments: Table = Alignment.__table__  # type: ignore[assignment]
_categories: Table = BadgeCategory.__table__  # type: ignore[assignment]
_tags: Table = BadgeTag.__table__  # type: ignore[assignment]
_milestones: Table = Milestone.__table__  # type: ignore[assignment]


def _list_of(table: Table, owner: Any, fields: dict[str, Any] | Any) -> ColumnElement[Any]:
    """The badge's items in `table`, in the order they were written."""
    value = json_object(fields) if isinstance(fields, dict) else fields
    return json_array_agg(select(value).where(owner), order_by=table.c.id)


def _container(level: int, table: Table, badge_column: Any) -> ColumnElement[Any]:
    shown = table.alias()
    document = container_document(level, shown)
    return select(document).where(shown.c.id == badge_column).scalar_subquery()


def badge_document(badges: Any = BADGES, also: dict[str, Any] | None = None) -> ColumnElement[Any]:
    """The wire object of the badge row `badges` (the table or an alias of it), with the
    fields `also` after its own (a claim code lookup's `claimed`)."""
    b = badges.c
    return json_object(
        {
            "id": b.id,
            "slug": b.slug,
            "name": b.name,
            "strapline": b.strapline,
            "earnerDescription": b.earner_description,
            "consumerDescription": b.consumer_description,
            "issuerUrl": b.issuer_url,
            "rubricUrl": b.rubric_url,
            "timeValue": b.time_value,
            "timeUnits": b.time_units,
            "evidenceType": b.evidence_type,
            "limit": b.limit,
            "unique": b.unique,
            "created": b.created_at,
            "imageUrl": image_of(badges),
            "type": b.type,
            "archived": b.archived,
            "system": _container(0, SYSTEMS, b.system_id),
            "issuer": _container(1, ISSUERS, b.issuer_id),
            "program": _container(2, PROGRAMS, b.program_id),
            "criteriaUrl": b.criteria_url,
            "criteria": _list_of(
                _criteria,
                _criteria.c.badge_id == b.id,
                {
                    "id": _criteria.c.id,
                    "description": _criteria.c.description,
                    "required": _criteria.c.required,
                    "note": _criteria.c.note,
                },
            ),
            "alignments": _list_of(
                _alignments,
                _alignments.c.badge_id == b.id,
                {
                    "id": _alignments.c.id,
                    "name": _alignments.c.name,
                    "url": _alignments.c.url,
                    "description": _alignments.c.description,
                },
            ),
            "categories": _list_of(
                _categories, _categories.c.badge_id == b.id, _categories.c.value
            ),
            "tags": _list_of(
                _tags, _tags.c.badge_id == b.id, {"id": _tags.c.id, "value": _tags.c.value}
            ),
            "milestones": _list_of(
                _milestones,
                _milestones.c.primary_badge_id == b.id,
                {
                    "id": _milestones.c.id,
                    "action": _milestones.c.action,
                    "numberRequired": _milestones.c.number_required,
                },
            ),
            **(also or {}),
        }
    )


def _owned(depth: int, badges: Any = BADGES) -> Any:
    return owned_by_named(depth, badges.c.system_id, badges.c.issuer_id, badges.c.program_id)


def named_badge_id(depth: int) -> ColumnElement[Any]:
    """The id of the badge `{badge_slug}` in the URL's container or below it (NULL when
    there is none), a scalar subquery for the readings of what hangs off a badge."""
    named = BADGES.alias("badge_named")
    found = select(named.c.id).where(_owned(depth, named), named.c.slug == bindparam("badge_slug"))
    return found.scalar_subquery()


def badge_by_id(badge_id: Any) -> ColumnElement[Any]:
    """The JSON text of the badge with this id (a column or scalar subquery), or NULL."""
    shown = BADGES.alias("badge_shown")
    return as_text(select(badge_document(shown)).where(shown.c.id == badge_id).scalar_subquery())


class OneBadge(Reading):
    """The badge `{badge_slug}` in the URL's container or below it, as JSON text (`badge`,
    NULL when there is none)."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        found = select(badge_document()).where(
            _owned(depth), BADGES.c.slug == bindparam("badge_slug")
        )
        return [as_text(found.scalar_subquery()).label("badge")]


ONE_BADGE = OneBadge()


class BadgePage(Reading):
    """The badges of the URL's container and those below it, in creation order, filtered
    by `archived` (`true`, `false` by default, or `any`), the page that `page` and `count`
    ask for or all of them: `badges` (JSON text of the array) and `total` (when paged)."""

    def variant(self, request: Request) -> Hashable:
        archived = either_flag("archived", request.query_params.get("archived", "false"))
        return archived, page_of(request) is not None

    def params(self, request: Request, variant: Any) -> dict[str, Any]:
        page = page_of(request)
        if page is None:
            return {}
        return {"limit": page.count, "offset": page.offset}

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        archived, paged = variant
        listed = [_owned(depth)]
        if archived is not None:
            listed.append(BADGES.c.archived.is_(archived))
        ids = select(BADGES.c.id).where(*listed)
        if not paged:
            shown = json_array_agg(select(badge_document()).where(*listed), order_by=BADGES.c.id)
            return [as_text(shown).label("badges")]
        # The page's ids first, through the index, then the documents for those rows alone.
        limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
        page = ids.order_by(BADGES.c.id).limit(limit).offset(offset).subquery("page")
        rows = BADGES.alias("paged")
        shown = json_array_agg(
            select(badge_document(rows)).select_from(page.join(rows, rows.c.id == page.c.id)),
            order_by=rows.c.id,
        )
        total = select(func.count()).select_from(ids.subquery()).scalar_subquery()
        return [as_text(shown).label("badges"), total.label("total")]


BADGE_PAGE = BadgePage()

_BY_IDS = (
    select(BADGES.c.id, as_text(badge_document()).label("badge"))
    .where(one_of(BADGES.c.id, "ids"))
    .order_by(BADGES.c.id)
)


async def badges_by_id(
    session: AsyncSession, ids: set[int] | list[int], origin: str
) -> dict[int, str]:
    """The JSON text of each of these badges, by id, in one statement (`origin`: where
    absolute links start, `PublicUrls.origin`)."""
    if not ids:
        return {}
    found = await fetch_rows(session, _BY_IDS, {"ids": list(ids), "origin": origin})
    return {row.id: row.badge for row in found}


# --- the badge a write acts on -------------------------------------------------------------

_webhooks: Table = Webhook.__table__  # type: ignore[assignment]
_supports: Table = milestone_support_badges


@dataclass(frozen=True, slots=True)
class ActingBadge:
    """The badge a write acts on (award, claim, apply for): what the write needs of it, and
    its wire object as the database wrote it (for the answer and webhook payloads)."""

    id: int
    slug: str
    system_id: int
    archived: bool
    limit: int | None
    supports_milestones: bool  # some milestone counts it (the award then checks them)
    award_webhooks: tuple[int, ...]  # the system's active webhooks that hear of awards
    document: str  # JSON text

    @classmethod
    def from_row(cls, facts: dict[str, Any], document: str) -> ActingBadge:
        return cls(
            id=facts["id"],
            slug=facts["slug"],
            system_id=facts["systemId"],
            archived=facts["archived"],
            limit=facts["limit"],
            supports_milestones=facts["supportsMilestones"],
            award_webhooks=tuple(facts["awardWebhooks"]),
            document=document,
        )

    def path(self) -> str:
        """The badge's API path at its own level."""
        shown = self.shown()
        issuer, program = shown["issuer"], shown["program"]
        return badge_path_of(
            shown["system"]["slug"],
            issuer["slug"] if issuer else None,
            program["slug"] if program else None,
            self.slug,
        )

    def shown(self) -> dict[str, Any]:
        """The wire object, decoded (a webhook payload embeds it)."""
        shown: dict[str, Any] = orjson.loads(self.document)
        return shown


def _acting_facts(badges: Any = BADGES) -> ColumnElement[Any]:
    b = badges.c
    hears_awards = (literal(",", String) + _webhooks.c.events + literal(",", String)).like(
        "%,award,%"
    )
    return json_object(
        {
            "id": b.id,
            "slug": b.slug,
            "systemId": b.system_id,
            "archived": b.archived,
            "limit": b.limit,
            "supportsMilestones": exists().where(_supports.c.badge_id == b.id),
            "awardWebhooks": json_array_agg(
                select(_webhooks.c.id).where(
                    _webhooks.c.system_id == b.system_id,
                    _webhooks.c.active.is_(True),
                    hears_awards,
                ),
                order_by=_webhooks.c.id,
            ),
        }
    )


class BadgeInUrl(Reading):
    """The badge `{badge_slug}` in the URL's container or below it, to act on: `acting`
    (what the write needs, `ActingBadge`) and `badge` (its JSON text), NULL if none."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        named = (_owned(depth), BADGES.c.slug == bindparam("badge_slug"))
        facts = select(_acting_facts()).where(*named).scalar_subquery()
        shown = select(badge_document()).where(*named).scalar_subquery()
        return [facts.label("acting"), as_text(shown).label("badge")]


BADGE_IN_URL = BadgeInUrl()

_ACTING_BY_ID = select(
    _acting_facts().label("acting"), as_text(badge_document()).label("badge")
).where(BADGES.c.id == bindparam("id"))


def acting_badge_of(row: Any, slug: str) -> ActingBadge:
    """The `BADGE_IN_URL` badge of a start row; 404 if the URL names none."""
    if row is None or "acting" not in row._mapping:
        raise RuntimeError("a route that acts on its badge must declare @reads(BADGE_IN_URL)")
    if row.acting is None:
        raise NotFound.for_field("badge", "slug", slug)
    facts = row.acting if isinstance(row.acting, dict) else orjson.loads(row.acting)
    return ActingBadge.from_row(facts, row.badge)


async def acting_badge_by_id(session: AsyncSession, badge_id: int, origin: str) -> ActingBadge:
    """The badge with this id, to act on (a milestone's primary badge)."""
    row = (await session.execute(_ACTING_BY_ID, {"id": badge_id, "origin": origin})).one()
    return ActingBadge.from_row(row.acting, row.badge)


# --- the badge an update edits -------------------------------------------------------------


class EditedBadge(Reading):
    """The badge `{badge_slug}` in the URL's container or below it, as an update needs it
    (`edited`, JSON: its id, system, slug, name, image and the rows of its four edited
    lists), NULL when there is none."""

    def columns(self, depth: int, variant: Any) -> list[ColumnElement[Any]]:
        b = BADGES.c

        def ids(table: Table) -> ColumnElement[Any]:
            return json_array_agg(
                select(table.c.id).where(table.c.badge_id == b.id), order_by=table.c.id
            )

        def labels(table: Table) -> ColumnElement[Any]:
            row = json_object({"id": table.c.id, "value": table.c.value})
            return json_array_agg(select(row).where(table.c.badge_id == b.id), order_by=table.c.id)

        facts = json_object(
            {
                "id": b.id,
                "systemId": b.system_id,
                "slug": b.slug,
                "name": b.name,
                "imageId": b.image_id,
                "criteria": ids(_criteria),
                "alignments": ids(_alignments),
                "categories": labels(_categories),
                "tags": labels(_tags),
            }
        )
        found = select(facts).where(_owned(depth), b.slug == bindparam("badge_slug"))
        return [found.scalar_subquery().label("edited")]


EDITED_BADGE = EditedBadge()


def edited_badge_of(row: Any, slug: str) -> dict[str, Any]:
    """The `EDITED_BADGE` facts of a start row; 404 if the URL names no badge."""
    if row is None or row.edited is None:
        raise NotFound.for_field("badge", "slug", slug)
    facts: dict[str, Any] = row.edited if isinstance(row.edited, dict) else orjson.loads(row.edited)
    return facts
