"""Badge queries and writes. The caller owns the transaction: these only flush."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import ColumnElement, Select, bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import ORMOption

from badgekit_api.badges.children import (
    alignment,
    criterion,
    merge_by_id,
    merge_labels,
    new_category,
    new_tag,
)
from badgekit_api.badges.lists import read_lists
from badgekit_api.badges.schemas import BadgeCreate, BadgeUpdate
from badgekit_api.badges.serializers import (
    BADGE_CONTAINER_OPTIONS,
    BADGE_LOAD_OPTIONS,
    remember_lists,
)
from badgekit_api.badges.slugs import made_up_slugs
from badgekit_api.errors import Conflict, NotFound
from badgekit_api.images.service import image_from_input, replace_image
from badgekit_api.models import Badge
from badgekit_api.scopes import Scope
from badgekit_api.scopes.scope import SCOPE_DEPTHS, owned_at

SCALAR_FIELDS = (
    "slug",
    "name",
    "strapline",
    "earner_description",
    "consumer_description",
    "issuer_url",
    "rubric_url",
    "criteria_url",
    "time_value",
    "time_units",
    "evidence_type",
    "limit",
    "unique",
    "type",
    "archived",
)
# Optional fields an update clears with null (or ""); the required ones keep their value.
CLEARABLE_FIELDS = frozenset(
    {"strapline", "issuer_url", "rubric_url", "time_value", "time_units", "evidence_type", "limit"}
)


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """Badges of the scope's container and of the containers below it."""
    return scope.owns(Badge.system_id, Badge.issuer_id, Badge.program_id)


def public_statement() -> Select[Badge]:
    """Every badge that is not archived, with what its public URL needs."""
    containers = (
        selectinload(Badge.system),
        selectinload(Badge.issuer),
        selectinload(Badge.program),
    )
    return select(Badge).options(*containers).where(Badge.archived.is_(False)).order_by(Badge.id)


def _by_slug(depth: int, options: Sequence[ORMOption]) -> Select[Badge]:
    return (
        select(Badge)
        .options(*options)
        .where(
            owned_at(depth, Badge.system_id, Badge.issuer_id, Badge.program_id),
            Badge.slug == bindparam("slug"),
        )
        .execution_options(populate_existing=True)
    )


# Built once per scope depth: every write naming a badge runs one, and building an ORM
# statement with its loader options costs more CPU than running it.
_BY_SLUG = {depth: _by_slug(depth, BADGE_LOAD_OPTIONS) for depth in SCOPE_DEPTHS}
_SHOWN_BY_SLUG = {depth: _by_slug(depth, BADGE_CONTAINER_OPTIONS) for depth in SCOPE_DEPTHS}


async def _one(
    session: AsyncSession, statements: dict[int, Select[Badge]], scope: Scope, slug: str
) -> Badge:
    badge = await session.scalar(statements[scope.depth], {**scope.owner_ids(), "slug": slug})
    if badge is None:
        raise NotFound.for_field("badge", "slug", slug)
    return badge


async def get(session: AsyncSession, scope: Scope, slug: str) -> Badge:
    """The badge with this slug in the scope (or below), with every relationship loaded, to
    be changed; 404 otherwise."""
    return await _one(session, _BY_SLUG, scope, slug)


async def get_shown(session: AsyncSession, scope: Scope, slug: str) -> Badge:
    """The badge with this slug in the scope (or below), to be shown or acted on but not
    changed itself; 404 otherwise. Its containers come in its own query, its five lists in
    one plain query (`read_lists`, remembered for `badge_read`) instead of the ORM's five
    selectin loads; its list relationships stay unloaded (`get` loads them to change)."""
    badge = await _one(session, _SHOWN_BY_SLUG, scope, slug)
    lists = await read_lists(session, [badge.id])
    remember_lists(badge, lists[badge.id])
    return badge


async def reload(session: AsyncSession, badge: Badge) -> Badge:
    """The badge read back after a write, with everything a response shows."""
    reloaded = await session.scalar(
        select(Badge).options(*BADGE_LOAD_OPTIONS).where(Badge.id == badge.id),
        execution_options={"populate_existing": True},
    )
    assert reloaded is not None
    return reloaded


async def create(
    session: AsyncSession, scope: Scope, data: BadgeCreate, *, max_image_bytes: int
) -> Badge:
    """A new badge in the scope's deepest container (and so in the ones above it).

    Without a `slug` in `data` the server makes one up from the name, and a slug that
    another request took meanwhile is no reason to fail: the next one is tried."""
    image = await image_from_input(data.image, data.image_url, max_image_bytes)
    assert image is not None, "BadgeCreate requires `image` or `imageUrl`"
    # Stored first, so that an insert rolled back to try another slug leaves it in place.
    session.add(image)
    await session.flush()

    def new_badge(slug: str) -> Badge:
        badge = Badge(
            system_id=scope.system.id,
            issuer_id=scope.issuer.id if scope.issuer else None,
            program_id=scope.program.id if scope.program else None,
        )
        for field in SCALAR_FIELDS:
            setattr(badge, field, getattr(data, field))
        badge.slug = slug
        badge.archived = bool(data.archived)
        badge.image = image
        badge.criteria = [criterion(item) for item in data.criteria]
        badge.alignments = [alignment(item) for item in data.alignments]
        badge.categories = [new_category(value) for value in data.categories]
        badge.tags = [new_tag(value) for value in data.tags]
        return badge

    if data.slug is None:
        badge = await _insert_with_made_up_slug(session, new_badge, scope.system.id, data.name)
    else:
        badge = new_badge(data.slug)
        await _ensure_free_slug(session, badge)
        session.add(badge)
        await _flush_or_conflict(session, badge)
    return await reload(session, badge)


async def update(
    session: AsyncSession, badge: Badge, data: BadgeUpdate, *, max_image_bytes: int
) -> Badge:
    """Apply the fields present in `data` to a fully loaded badge."""
    given = data.model_fields_set
    for field in SCALAR_FIELDS:
        value = getattr(data, field)
        if field in given and (value is not None or field in CLEARABLE_FIELDS):
            setattr(badge, field, value)
    if data.slug is not None:
        await _ensure_free_slug(session, badge)
    image = await image_from_input(data.image, data.image_url, max_image_bytes)
    if image is not None:
        badge.image = await replace_image(session, badge.image, image)
    if data.criteria is not None:
        badge.criteria = merge_by_id("criteria", badge.criteria, data.criteria, criterion)
    if data.alignments is not None:
        badge.alignments = merge_by_id("alignments", badge.alignments, data.alignments, alignment)
    if data.categories is not None:
        badge.categories = merge_labels(badge.categories, data.categories, new_category)
    if data.tags is not None:
        badge.tags = merge_labels(badge.tags, data.tags, new_tag)
    await _flush_or_conflict(session, badge)
    return await reload(session, badge)


async def delete(session: AsyncSession, badge: Badge) -> None:
    """Delete the badge with its lists, claim codes and image."""
    image = badge.image
    await session.delete(badge)
    if image is not None:
        await session.delete(image)
    await session.flush()


async def _insert_with_made_up_slug(
    session: AsyncSession, new_badge: Callable[[str], Badge], system_id: int, name: str
) -> Badge:
    # Each try in a SAVEPOINT: a failed INSERT aborts PostgreSQL's whole transaction
    # otherwise, and rolling back to it drops the attempt's rows from the session.
    tries = 0
    async for slug in made_up_slugs(session, system_id, name):
        tries += 1
        badge = new_badge(slug)
        try:
            async with session.begin_nested():
                session.add(badge)
            return badge
        except IntegrityError:
            if not await _slug_taken(session, system_id, slug):
                raise _concurrent_change() from None
    raise Conflict(
        f"No free slug for a badge of this name in {tries} tries: name one with `slug`",
        details={"name": name},
    )


async def _slug_taken(
    session: AsyncSession, system_id: int, slug: str, *, but: int | None = None
) -> bool:
    clash = select(Badge.id).where(Badge.system_id == system_id, Badge.slug == slug)
    if but is not None:
        clash = clash.where(Badge.id != but)
    return bool(await session.scalar(select(exists(clash))))


async def _ensure_free_slug(session: AsyncSession, badge: Badge) -> None:
    if await _slug_taken(session, badge.system_id, badge.slug, but=badge.id):
        raise _conflict(badge)


async def _flush_or_conflict(session: AsyncSession, badge: Badge) -> None:
    # Built now: a failed flush expires `badge`, and reading it then would fail too.
    conflict = _conflict(badge)
    try:
        await session.flush()
    except IntegrityError:
        # Two requests raced for the same slug; the unique constraint settled it.
        raise conflict from None


def _concurrent_change() -> Conflict:
    # Not the slug: another constraint, such as the badge's container deleted meanwhile.
    return Conflict("The badge conflicts with a change made at the same time: try again")


def _conflict(badge: Badge) -> Conflict:
    return Conflict(
        "badge with that `slug` already exists", details={"slug": badge.slug, "name": badge.name}
    )
