"""What every table's mapping has: the rows it plans to write, and the import's memory of
what earlier tables became (legacy id -> new id, and what children need of their parent)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from badgekit_api.importing.source import Row


@dataclass
class Planned:
    """One source row and the target row it becomes (or why it cannot)."""

    legacy_id: int
    values: dict[str, Any]
    skip: str | None = None
    fallbacks: list[str] = field(default_factory=list)
    # The row is merged into one the target already holds (a container of the same slug).
    existing_id: int | None = None
    # The legacy image written with this row, and whether an earlier row used it already.
    image_id: int | None = None
    image_shared: bool = False


@dataclass(frozen=True, slots=True)
class BadgeFacts:
    id: int
    system_id: int
    created: datetime | None


@dataclass
class Context:
    """What the tables imported so far became, for the tables that point at them."""

    now: datetime
    systems: dict[int, int] = field(default_factory=dict)
    issuers: dict[int, tuple[int, int]] = field(default_factory=dict)  # (issuer, system)
    programs: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # (p, i, s)
    badges: dict[int, BadgeFacts] = field(default_factory=dict)
    criteria: dict[int, int] = field(default_factory=dict)
    milestones: dict[int, int] = field(default_factory=dict)
    applications: dict[int, int] = field(default_factory=dict)
    reviews: dict[int, int] = field(default_factory=dict)
    images_used: set[int] = field(default_factory=set)
    # Keys this import gave out, so a dry run (which writes nothing) finds the same
    # collisions a real run does: (kind, key), keys lower-cased as MySQL compares them.
    taken: set[tuple[str, Any]] = field(default_factory=set)
    earners: set[tuple[int, str]] = field(default_factory=set)

    def use_image(self, legacy_image_id: int | None) -> bool:
        """Whether an earlier row used this image already (then this row gets a copy:
        this server never shares an image between two owners)."""
        if legacy_image_id is None:
            return False
        shared = legacy_image_id in self.images_used
        self.images_used.add(legacy_image_id)
        return shared


class TableMapping:
    """How one table of the original becomes rows of one table here."""

    legacy: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    target: ClassVar[Table | None]
    # Rows carry a legacy `imageId` to bring across with them.
    with_images: ClassVar[bool] = False
    # A unique key of the target rows, by which their new ids are read back; or, for a
    # table without one, whether rows of other tables point at its new ids (then they are
    # returned by the INSERT). Other rows are recorded without their new id.
    key: ClassVar[tuple[str, ...] | None] = None
    needs_ids: ClassVar[bool] = False

    def plan(self, row: Row, context: Context) -> Planned:
        """The target row for `row`, by the in-memory rules (no database reads)."""
        raise NotImplementedError

    async def settle(
        self, planned: list[Planned], connection: AsyncConnection, context: Context
    ) -> None:
        """Rules that need the target's rows (slugs taken there); runs on the rows that are
        not imported yet, in the batch's transaction."""

    def remember(self, planned: Planned, new_id: int | None, context: Context) -> None:
        """Note what the row became, for the tables that point at it."""
