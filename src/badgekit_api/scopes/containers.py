"""The containers a URL names (system, issuer, program), as the database writes them.

Everything that shows a container (a badge's `system`, a request's scope, an issuer
profile) takes it from `container_document`: one JSON object per container, its image link
made in the same statement. The request's own origin (`PUBLIC_URL` or its Host) is the
statement parameter `origin`, so absolute links need no Python pass over the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, String, Table, bindparam, literal, select
from sqlalchemy.sql import func

from badgekit_api.db.json_sql import JsonDocument, empty_json_array, json_object
from badgekit_api.models import Image, Issuer, Program, System

SYSTEMS: Table = System.__table__  # type: ignore[assignment]
ISSUERS: Table = Issuer.__table__  # type: ignore[assignment]
PROGRAMS: Table = Program.__table__  # type: ignore[assignment]
IMAGES: Table = Image.__table__  # type: ignore[assignment]

# The origin absolute links start with: `PublicUrls.origin`, bound per request.
ORIGIN = bindparam("origin", type_=String)
# The path parameters naming each level's container, outermost first.
SLUG_PARAMS = ("system_slug", "issuer_slug", "program_slug")
LEVELS = ("system", "issuer", "program")
# Each level's table, and the column of it that names its parent.
_TABLES = (SYSTEMS, ISSUERS, PROGRAMS)


class Identified(Protocol):
    """What code that only files rows under a container needs of it."""

    @property
    def id(self) -> int: ...

    @property
    def slug(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Container:
    """A system, issuer or program as a request sees it (read once, never changed)."""

    id: int
    slug: str
    url: str
    name: str
    description: str | None
    email: str | None
    image_url: str | None  # absolute: the image's own link, or the copy we serve

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Container:
        return cls(
            id=document["id"],
            slug=document["slug"],
            url=document["url"],
            name=document["name"],
            description=document["description"],
            email=document["email"],
            image_url=document["imageUrl"],
        )


def image_link(image: Any) -> ColumnElement[Any]:
    """Where the image of a row joined as `image` is shown: its own link, or the copy we
    serve (NULL when there is no image)."""
    served = ORIGIN + literal("/public/images/", String) + image.c.slug
    return func.coalesce(image.c.url, served, type_=String)


def image_of(owner: Any) -> ColumnElement[Any]:
    """The image link of `owner` (a row with an `image_id`), as a correlated scalar."""
    image = IMAGES.alias()
    return select(image_link(image)).where(image.c.id == owner.c.image_id).scalar_subquery()


def container_fields(table: Any) -> dict[str, Any]:
    """A container's wire fields (`ProgramRead`), its `imageUrl` included."""
    return {
        "id": table.c.id,
        "slug": table.c.slug,
        "url": table.c.url,
        "name": table.c.name,
        "description": table.c.description,
        "email": table.c.email,
        "imageUrl": image_of(table),
    }


def container_document(level: int, table: Any, *, embedded: bool = True) -> ColumnElement[Any]:
    """The container as a JSON object; `embedded` adds the empty `issuers` / `programs`
    list a badge shows its system and issuer with (`SystemRead`, `IssuerRead`)."""
    fields = container_fields(table)
    if embedded and level < 2:
        fields[("issuers", "programs")[level]] = empty_json_array()
    return json_object(fields)


def container_id(level: int) -> ColumnElement[Any]:
    """The id of the container the URL names at `level` (NULL when it is not there), found
    by the slugs down to it: a scalar subquery, usable anywhere in a statement."""
    table = _TABLES[level].alias(f"{LEVELS[level]}_named")
    condition = table.c.slug == bindparam(SLUG_PARAMS[level])
    if level > 0:
        parent = table.c.system_id if level == 1 else table.c.issuer_id
        condition = condition & (parent == container_id(level - 1))
    return select(table.c.id).where(condition).scalar_subquery()


def named_container(level: int) -> ColumnElement[Any]:
    """The container the URL names at `level` as a JSON object (`Container`), or NULL."""
    table = _TABLES[level].alias(f"{LEVELS[level]}_shown")
    document = container_document(level, table, embedded=False)
    return (
        select(document)
        .where(table.c.id == container_id(level))
        .scalar_subquery()
        .label(LEVELS[level])
    )


def owned_by_named(depth: int, system_id: Any, issuer_id: Any, program_id: Any) -> Any:
    """The WHERE clause of rows in the URL's container (of this depth) or below it."""
    clause = system_id == container_id(0)
    if depth >= 1:
        clause = clause & (issuer_id == container_id(1))
    if depth >= 2:
        clause = clause & (program_id == container_id(2))
    return clause


__all__ = [
    "Container",
    "Identified",
    "JsonDocument",
    "ORIGIN",
    "container_document",
    "container_id",
    "named_container",
    "owned_by_named",
]
