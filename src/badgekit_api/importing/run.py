"""The import: every table of the original in dependency order, batch by batch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.importing.images import IMAGES, attach_images
from badgekit_api.importing.mapping_access import Consumers, Webhooks
from badgekit_api.importing.mapping_assessment import Applications, Evidence, ReviewItems, Reviews
from badgekit_api.importing.mapping_awards import ClaimCodes, Instances, MilestoneBadges, Milestones
from badgekit_api.importing.mapping_badges import Alignments, Badges, Categories, Criteria, Tags
from badgekit_api.importing.mapping_containers import Issuers, Programs, Systems
from badgekit_api.importing.report import Report
from badgekit_api.importing.source import LegacySource, Row
from badgekit_api.importing.tables import Context, Planned, TableMapping
from badgekit_api.importing.writer import Writer

# Parents before the rows that point at them.
MAPPINGS: tuple[TableMapping, ...] = (
    Systems(), Issuers(), Programs(), Badges(), Criteria(), Tags(), Categories(), Alignments(),
    ClaimCodes(), Instances(), Milestones(), MilestoneBadges(), Applications(), Evidence(),
    Reviews(), ReviewItems(), Webhooks(), Consumers(),
)  # fmt: skip
# Rows with images carry their bytes: fewer of them per batch keeps memory flat.
IMAGE_BATCH = 100
OWNERS = {"systems": "system", "issuers": "issuer", "programs": "program", "badges": "badge"}


class Progress(Protocol):
    def start(self, table: str, total: int) -> None: ...

    def advance(self, table: str, rows: int) -> None: ...


class NoProgress:
    def start(self, table: str, total: int) -> None:
        pass

    def advance(self, table: str, rows: int) -> None:
        pass


@dataclass(frozen=True)
class Options:
    source_name: str
    batch_size: int = 1000
    dry_run: bool = False


async def import_original(
    source_url: str, engine: AsyncEngine, options: Options, progress: Progress | None = None
) -> Report:
    """Bring the original database at `source_url` into `engine`'s database."""
    progress = progress or NoProgress()
    report = Report()
    context = Context(now=datetime.now(UTC))
    writer = Writer(engine, options.source_name, dry_run=options.dry_run)
    async with LegacySource(source_url) as source:
        present = await source.tables()
        for mapping in MAPPINGS:
            table = report.table(mapping.legacy)
            if mapping.legacy not in present:
                continue
            columns = [c for c in mapping.columns if c in await source.columns(mapping.legacy)]
            size = (
                min(options.batch_size, IMAGE_BATCH) if mapping.with_images else options.batch_size
            )
            progress.start(mapping.legacy, await source.count(mapping.legacy))
            async for rows in source.batches(mapping.legacy, columns, size):
                table.read += len(rows)
                await _batch(mapping, rows, source, writer, context, report)
                progress.advance(mapping.legacy, len(rows))
        if IMAGES in present:
            await _unused_images(source, context, report)
    return report


async def _batch(
    mapping: TableMapping,
    rows: list[Row],
    source: LegacySource,
    writer: Writer,
    context: Context,
    report: Report,
) -> None:
    table = report.table(mapping.legacy)
    async with writer.batch() as connection:
        done = await writer.imported(connection, mapping.legacy, [row["id"] for row in rows])
        fresh: list[Planned] = []
        for row in rows:
            planned = mapping.plan(row, context)
            if planned.legacy_id in done:
                table.already += 1
                if planned.skip is None:
                    mapping.remember(planned, done[planned.legacy_id], context)
            elif planned.skip is not None:
                report.skip(mapping.legacy, planned.legacy_id, planned.skip)
            else:
                fresh.append(planned)
        await mapping.settle(fresh, connection, context)
        for planned in fresh:
            if planned.skip is not None:
                report.skip(mapping.legacy, planned.legacy_id, planned.skip)
        ready = [planned for planned in fresh if planned.skip is None]
        if mapping.with_images:
            owner = OWNERS[mapping.legacy]
            await attach_images(ready, source, connection, context, report, writer.insert, owner)
        new = [planned for planned in ready if planned.existing_id is None]
        assert mapping.target is not None
        ids = await writer.insert(
            connection,
            mapping.target,
            [_row(p) for p in new],
            key=mapping.key,
            with_ids=mapping.needs_ids,
        )
        new_ids = dict(zip((p.legacy_id for p in new), ids, strict=True))
        pairs: list[tuple[int, int | None]] = []
        for planned in ready:
            new_id = (
                planned.existing_id
                if planned.existing_id is not None
                else new_ids[planned.legacy_id]
            )
            pairs.append((planned.legacy_id, new_id))
            mapping.remember(planned, new_id, context)
            for rule in planned.fallbacks:
                report.fallback(mapping.legacy, planned.legacy_id, rule)
        await writer.record(connection, mapping.legacy, pairs)
        table.imported += len(ready)


def _row(planned: Planned) -> dict[str, Any]:
    """The target row: the planned values less the notes kept for `remember`."""
    return {key: value for key, value in planned.values.items() if not key.startswith("_")}


async def _unused_images(source: LegacySource, context: Context, report: Report) -> None:
    """Images no system, issuer, program or badge shows are not brought across (this
    server deletes unused images); each is listed."""
    ids = await source.scalars("SELECT id FROM images ORDER BY id")
    for legacy_id in ids:
        if legacy_id not in context.images_used:
            report.skip(IMAGES, legacy_id, "not shown by any system, issuer, program or badge")
    report.table(IMAGES).read = len(ids)
