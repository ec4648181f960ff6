"""Badges for the read paths as plain rows: each badge with its image and its containers
(each with its image) from one Core query, rendered straight into the wire model.

Loading the same badge as an ORM entity with its eight joined relations cost several times
the CPU of the row: per query the loader setup of every joined entity, per row an identity
map entry and an `InstanceState` for each of them, then an attribute descriptor call for
every value read (docs/performance.md). Writes still load entities, which they change;
`tests/badges/test_rendering.py` checks that every path shows a badge alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Select, Table, and_, bindparam, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.badges.lists import BadgeLists, read_lists
from badgekit_api.badges.schemas import BadgeRead
from badgekit_api.containers.schemas import IssuerRead, ProgramRead, SystemRead
from badgekit_api.http.pagination import Page, count_of
from badgekit_api.http.urls import PublicUrls
from badgekit_api.images.service import image_link
from badgekit_api.models import Badge, Image, Issuer, Program, System
from badgekit_api.scopes import Scope
from badgekit_api.scopes.scope import SCOPE_DEPTHS, owned_at

BADGE_TABLE: Table = Badge.__table__  # type: ignore[assignment]
_badges = BADGE_TABLE
_images: Table = Image.__table__  # type: ignore[assignment]

BADGE_COLUMNS = (
    *("id", "slug", "name", "strapline", "earner_description", "consumer_description"),
    *("issuer_url", "rubric_url", "criteria_url", "time_value", "time_units"),
    *("evidence_type", "limit", "unique", "created_at", "type", "archived"),
)
CONTAINER_COLUMNS = ("id", "slug", "url", "name", "description", "email")
# Each joined table's columns come labelled `<prefix>_<column>`.
BADGE, SYSTEM, ISSUER, PROGRAM = "b", "s", "i", "p"


def _columns(prefix: str, table: Any, names: tuple[str, ...]) -> list[Any]:
    return [table.c[name].label(f"{prefix}_{name}") for name in names]


def _image_columns(prefix: str, image: Any) -> list[Any]:
    return [image.c.slug.label(f"{prefix}_image_slug"), image.c.url.label(f"{prefix}_image_url")]


def badge_rows_from(base: Any = BADGE_TABLE) -> Select[Any]:
    """`BADGE_ROWS` reading from `base`: the badges table, or a join that holds it and
    should come first (the planner keeps the written order of this many joins)."""
    owners = {
        BADGE: _badges,
        SYSTEM: System.__table__.alias(SYSTEM),
        ISSUER: Issuer.__table__.alias(ISSUER),
        PROGRAM: Program.__table__.alias(PROGRAM),
    }
    systems, issuers, programs = owners[SYSTEM], owners[ISSUER], owners[PROGRAM]
    joined = (
        base.join(systems, systems.c.id == _badges.c.system_id)
        .outerjoin(issuers, issuers.c.id == _badges.c.issuer_id)
        .outerjoin(programs, programs.c.id == _badges.c.program_id)
    )
    image_columns = []
    for prefix, owner in owners.items():
        image = _images.alias(f"{prefix}_image")
        joined = joined.outerjoin(image, image.c.id == owner.c.image_id)
        image_columns += _image_columns(prefix, image)
    return select(
        *_columns(BADGE, _badges, BADGE_COLUMNS),
        *_columns(SYSTEM, systems, CONTAINER_COLUMNS),
        *_columns(ISSUER, issuers, CONTAINER_COLUMNS),
        *_columns(PROGRAM, programs, CONTAINER_COLUMNS),
        *image_columns,
    ).select_from(joined)


BADGE_ROWS = badge_rows_from()


def _owned(depth: int) -> Any:
    return owned_at(depth, _badges.c.system_id, _badges.c.issuer_id, _badges.c.program_id)


# Built once per scope depth (building a statement costs more CPU than running it).
_BY_SLUG = {
    depth: BADGE_ROWS.where(_owned(depth), _badges.c.slug == bindparam("slug"))
    for depth in SCOPE_DEPTHS
}
_LISTINGS = [(depth, archived) for depth in SCOPE_DEPTHS for archived in (True, False, None)]


def _listed_where(depth: int, archived: bool | None) -> Any:
    if archived is None:
        return _owned(depth)
    return and_(_owned(depth), _badges.c.archived.is_(archived))


_LISTED_IDS = {
    key: select(_badges.c.id).where(_listed_where(*key)).order_by(_badges.c.id) for key in _LISTINGS
}
_LISTED = {key: BADGE_ROWS.where(_listed_where(*key)).order_by(_badges.c.id) for key in _LISTINGS}


def _page_rows(ids: Select[Any]) -> Select[Any]:
    # The page's ids first, through the index, then the joins for those rows alone: a
    # LIMIT/OFFSET on the joined rows made the database join every row it skipped (0.9 s
    # for the last page of 100,000 badges, against 76 ms).
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    page = ids.limit(limit).offset(offset).subquery("page")
    return badge_rows_from(page.join(_badges, _badges.c.id == page.c.id)).order_by(_badges.c.id)


_LISTED_PAGE = {key: _page_rows(_LISTED_IDS[key]) for key in _LISTINGS}
_LISTED_TOTAL = {key: count_of(_LISTED_IDS[key]) for key in _LISTINGS}


def by_slug(scope: Scope) -> Select[Any]:
    """The row of the badge named by the `slug` parameter, in the scope or below it; run
    with `{**scope.owner_ids(), "slug": ...}`."""
    return _BY_SLUG[scope.depth]


def listed(
    scope: Scope, archived: bool | None, page: Page | None
) -> tuple[Select[Any], dict[str, Any]]:
    """The rows of the scope's badges in creation order (all, or the page), and the
    parameters to run them with; `archived=None` means archived or not."""
    params = scope.owner_ids()
    if page is None:
        return _LISTED[scope.depth, archived], params
    return _LISTED_PAGE[scope.depth, archived], {
        **params,
        "limit": page.count,
        "offset": page.offset,
    }


def listed_total(scope: Scope, archived: bool | None) -> Select[int]:
    """How many badges `listed` has in all (run with `scope.owner_ids()`)."""
    return _LISTED_TOTAL[scope.depth, archived]


def positions(statement: Select[Any], prefix: str, names: tuple[str, ...]) -> list[tuple[str, int]]:
    """Where each column `<prefix>_<name>` is in the statement's rows: rows are read by
    position, since a lookup by name costs more than the rest of the rendering."""
    labels = list(statement.selected_columns.keys())
    return [(name, labels.index(f"{prefix}_{name}")) for name in names]


_BADGE_AT = positions(BADGE_ROWS, BADGE, BADGE_COLUMNS)
_CONTAINER_AT = {
    prefix: positions(BADGE_ROWS, prefix, CONTAINER_COLUMNS) for prefix in (SYSTEM, ISSUER, PROGRAM)
}
_IMAGE_AT = {
    prefix: dict(positions(BADGE_ROWS, prefix, ("image_slug", "image_url")))
    for prefix in (BADGE, SYSTEM, ISSUER, PROGRAM)
}
ID_AT = dict(_BADGE_AT)["id"]


def _image_url(row: Row[Any], prefix: str, urls: PublicUrls) -> str | None:
    at = _IMAGE_AT[prefix]
    slug = row[at["image_slug"]]
    if slug is None:
        return None
    return image_link(row[at["image_url"]], slug, urls)


def _container(row: Row[Any], prefix: str, urls: PublicUrls) -> dict[str, Any] | None:
    fields = {name: row[at] for name, at in _CONTAINER_AT[prefix]}
    if fields["id"] is None:
        return None
    return {**fields, "imageUrl": _image_url(row, prefix, urls)}


def badge_from_row(row: Row[Any], urls: PublicUrls, lists: BadgeLists) -> BadgeRead:
    """The wire model of a `BADGE_ROWS` row, with the badge's lists."""
    values = {name: row[at] for name, at in _BADGE_AT}
    system = _container(row, SYSTEM, urls)
    issuer = _container(row, ISSUER, urls)
    program = _container(row, PROGRAM, urls)
    assert system is not None  # every badge belongs to a system
    values["created"] = values.pop("created_at")
    return BadgeRead(
        **values,
        image_url=_image_url(row, BADGE, urls),
        system=SystemRead.model_validate({**system, "issuers": []}),
        issuer=IssuerRead.model_validate({**issuer, "programs": []}) if issuer else None,
        program=ProgramRead.model_validate(program) if program else None,
        criteria=lists.criteria,
        alignments=lists.alignments,
        categories=lists.categories,
        tags=lists.tags,
        milestones=lists.milestones,
    )


async def shown(session: AsyncSession, rows: list[Row[Any]], urls: PublicUrls) -> list[BadgeRead]:
    """The badges of `BADGE_ROWS` rows as the wire shows them, their lists read in one
    query."""
    lists = await read_lists(session, [row[ID_AT] for row in rows])
    return [badge_from_row(row, urls, lists[row[ID_AT]]) for row in rows]
