"""`badgekit-api export` and `badgekit-api import`: a system as JSON Lines and back, for
backups and for moving between databases (see `badgekit_api.portability`).

Each command imports the server's stack when it runs (see `badgekit_api.cli`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from badgekit_api.cli.output import fail

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


def _summary(counts: dict[str, int]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("records", "count")
    for name, count in counts.items():
        table.add_row(name, str(count))
    Console(stderr=True).print(table)


def export(
    system: Annotated[str, typer.Option(help="Slug of the system to export")],
    out: Annotated[
        Path | None, typer.Option(help="File to write (default: standard output)")
    ] = None,
) -> None:
    """Write a system's whole content as JSON Lines (images included)."""
    from badgekit_api.cli.database import load_settings, on_engine, require_schema
    from badgekit_api.portability.exporting import export_system

    settings = load_settings()

    async def work(engine: AsyncEngine) -> dict[str, int]:
        await require_schema(engine, settings)
        if out is None:
            return await export_system(engine, system, sys.stdout.buffer)
        # Written beside the file and renamed at the end: a failed export leaves no half file.
        partial = out.with_name(out.name + ".partial")
        try:
            with partial.open("wb") as stream:
                counts = await export_system(engine, system, stream)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        return counts

    _summary(on_engine(work, settings))


def import_(
    file: Annotated[Path, typer.Argument(help="An export written by `badgekit-api export`")],
) -> None:
    """Read an export into this database (migrating it first), all or nothing."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    from badgekit_api.cli.database import load_settings, on_engine
    from badgekit_api.migrations.runner import upgrade
    from badgekit_api.portability.importing import ImportFailed, import_file
    from badgekit_api.portability.validation import BadLine

    settings = load_settings()
    if not file.is_file():
        raise fail(f"No file at {file}.")

    async def work(engine: AsyncEngine) -> tuple[str, dict[str, int]]:
        await upgrade(engine)
        with (
            file.open("rb") as source,
            Progress(
                "{task.description}",
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                transient=True,
                console=Console(stderr=True),
            ) as bar,
        ):
            task = bar.add_task("importing", total=file.stat().st_size)
            return await import_file(engine, source, lambda size: bar.advance(task, size))

    try:
        system, counts = on_engine(work, settings)
    except (BadLine, ImportFailed) as error:
        raise fail(f"Nothing was imported: {error}.") from None
    _summary(counts)
    typer.echo(f"Imported system `{system}`.")
