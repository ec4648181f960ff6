"""`badgekit-api import-original`: bring an original BadgeKit API database across, with a
progress bar per table and a closing table of what was imported, skipped and why.

The work is in `badgekit_api.importing`; this is the command line around it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from badgekit_api.cli.output import fail

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

    from badgekit_api.importing.report import Report

# Ids listed per rule in the closing table; `--report FILE` has them all.
SHOWN_IDS = 10
REPORT_WIDTH = 160
COUNT_COLUMNS = ("table", "read", "imported", "already imported", "kept with a fallback", "skipped")


def import_original(
    source: Annotated[
        str | None,
        typer.Argument(
            help="The original's database, mysql://user:password@host:port/name; "
            "default: its DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD variables",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and check everything, write nothing")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Rows per batch")] = 1000,
    source_name: Annotated[
        str | None,
        typer.Option(help="Name the import records rows under (default: the database's name)"),
    ] = None,
    report_file: Annotated[
        Path | None, typer.Option("--report", help="Also write the report, every id, as JSON")
    ] = None,
) -> None:
    """Import a database of the original BadgeKit API into DATABASE_URL's database.

    It only reads the source. Run it again at any time: what is imported already is
    skipped, so an interrupted import completes and a finished one changes nothing.
    """
    import json
    import os

    from rich.console import Console

    from badgekit_api.cli.database import described, load_settings, run
    from badgekit_api.db.database import create_engine
    from badgekit_api.importing.run import Options
    from badgekit_api.importing.run import import_original as run_import
    from badgekit_api.importing.source import SourceUnavailable, database_name, source_url

    try:
        url = source_url(source, dict(os.environ))
    except ValueError as error:
        raise fail(str(error)) from None
    settings = load_settings()
    if described(url) == described(settings.database_url):
        raise fail("The target is the source: set DATABASE_URL to this server's database.")
    console = Console(stderr=True)
    options = Options(
        source_name=(source_name or database_name(url))[:64],
        batch_size=batch_size,
        dry_run=dry_run,
    )

    async def work() -> Report:
        engine = create_engine(settings)
        try:
            await _require_schema(engine)
            with _Bars(console) as bars:
                try:
                    return await run_import(url, engine, options, bars)
                except SourceUnavailable as error:
                    raise fail(str(error)) from None
        finally:
            await engine.dispose()

    report = run(work, settings)
    out = Console()
    if not out.is_terminal:
        out.width = REPORT_WIDTH  # a file or pipe: no 80-column wrapping of the rules
    _print_report(out, report, dry_run=dry_run)
    if report_file is not None:
        report_file.write_text(json.dumps(report.as_json(), indent=2) + "\n")


async def _require_schema(engine: object) -> None:
    from sqlalchemy import inspect
    from sqlalchemy.ext.asyncio import AsyncEngine

    assert isinstance(engine, AsyncEngine)
    async with engine.connect() as connection:
        has = await connection.run_sync(lambda sync: inspect(sync).has_table("imported_rows"))
    if not has:
        raise fail("The target database has no schema (or an old one): run `badgekit-api migrate`.")


class _Bars:
    """A rich progress bar per table: rows done of the table's count, and the rate."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _Bars:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def start(self, table: str, total: int) -> None:
        # An empty table shows as a full bar.
        task = self.progress.add_task(table, total=total or 1, completed=0 if total else 1, rate="")
        self.tasks[table] = task

    def advance(self, table: str, rows: int) -> None:
        task_id = self.tasks[table]
        self.progress.advance(task_id, rows)
        speed = next(task.speed for task in self.progress.tasks if task.id == task_id)
        self.progress.update(task_id, rate=f"{speed:,.0f} rows/s" if speed else "")


def _print_report(console: Console, report: Report, *, dry_run: bool) -> None:
    from rich.table import Table

    title = "Dry run: nothing written" if dry_run else "Import"
    counts = Table(title=title)
    for column in (
        "table",
        "read",
        "imported",
        "already imported",
        "kept with a fallback",
        "skipped",
    ):
        counts.add_column(column, justify="left" if column == "table" else "right")
    for table in report.tables.values():
        counts.add_row(
            table.name,
            str(table.read),
            str(table.imported),
            str(table.already),
            str(table.kept_with_fallback),
            str(table.skipped),
        )
    console.print(counts)
    why = Table(title="Why (legacy ids)")
    for column in ("table", "what happened", "rule", "rows", "ids"):
        why.add_column(column)
    for table in report.tables.values():
        for kind, rules in (("skipped", table.skips), ("kept", table.fallbacks)):
            for rule, ids in rules.items():
                shown = ", ".join(str(i) for i in ids[:SHOWN_IDS])
                more = f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
                why.add_row(table.name, kind, rule, str(len(ids)), shown + more)
    if why.row_count:
        console.print(why)
