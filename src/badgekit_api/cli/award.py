"""`badgekit-api award`: a bulk award from a CSV file, sent signed, with an upload bar.

The file goes as it is (`text/csv`) to `.../badges/B/instances/bulk`; the server checks
every row. The answer is summed up in a table; the exit status is 1 when any row was
invalid (or, with --all-or-nothing, refused the file), as for a failed request otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import typer

from badgekit_api.cli.files import read_file
from badgekit_api.cli.signed import (
    KeyOption,
    SecretOption,
    TtlOption,
    UrlOption,
    authorization,
    secret_for,
    server_url,
)

CHUNK = 64 * 1024


def bulk_path(system: str, issuer: str | None, program: str | None, badge: str) -> str:
    path = f"/systems/{quote(system, safe='')}"
    if issuer:
        path += f"/issuers/{quote(issuer, safe='')}"
        if program:
            path += f"/programs/{quote(program, safe='')}"
    return f"{path}/badges/{quote(badge, safe='')}/instances/bulk"


def award(
    system: Annotated[str, typer.Option(help="The system's slug")],
    badge: Annotated[str, typer.Option(help="The badge's slug")],
    csv: Annotated[
        Path, typer.Option("--csv", help="Header row with `email` (and optional columns)")
    ],
    issuer: Annotated[str | None, typer.Option(help="The issuer's slug (a badge of it)")] = None,
    program: Annotated[str | None, typer.Option(help="The program's slug (with --issuer)")] = None,
    all_or_nothing: Annotated[
        bool, typer.Option("--all-or-nothing", help="Award nobody if one row is invalid")
    ] = False,
    url: UrlOption = None,
    key: KeyOption = "master",
    secret: SecretOption = None,
    ttl: TtlOption = 300,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the answer")] = 300,
) -> None:
    """Award a badge to every earner of a CSV file and print what became of each row."""
    from badgekit_api.cli.output import fail

    if program and not issuer:
        raise fail("--program needs --issuer.")
    secret = secret_for(key, secret)
    content = read_file(csv, "--csv")
    path = bulk_path(system, issuer, program, badge)
    if all_or_nothing:
        path += "?mode=all-or-nothing"

    from badgekit_api.cli import sending  # the HTTP client, only now that it is needed

    target = sending.full_url(server_url(url), path)
    answer = _upload(target, path, content, key=key, secret=secret, ttl=ttl, timeout=timeout)
    if not answer.is_success:
        sending.show(answer)
        raise typer.Exit(code=sending.exit_code(answer.status_code))
    body: dict[str, Any] = answer.json()
    _summary(body)
    raise typer.Exit(code=1 if body["counts"]["invalid"] else 0)


def _upload(
    target: str, path: str, content: bytes, *, key: str, secret: str, ttl: int, timeout: float
) -> Any:
    import httpx
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from badgekit_api.cli.output import fail

    headers = {
        "Content-Type": "text/csv",
        "Content-Length": str(len(content)),
        "Authorization": authorization("POST", path, content, key=key, secret=secret, ttl=ttl),
    }
    progress = Progress(
        TextColumn("Uploading"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
    )

    def chunks(task: Any) -> Iterator[bytes]:
        for start in range(0, len(content), CHUNK):
            piece = content[start : start + CHUNK]
            yield piece
            progress.update(task, advance=len(piece))

    with progress:
        task = progress.add_task("upload", total=len(content))
        try:
            with httpx.Client(timeout=timeout) as client:
                return client.post(target, content=chunks(task), headers=headers)
        except httpx.HTTPError as error:
            raise fail(f"Request to {target} failed: {error or type(error).__name__}.") from None


def _summary(body: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    counts = Table(title="Awarded")
    for column in ("created", "skipped", "invalid"):
        counts.add_column(column, justify="right")
    counts.add_row(*(str(body["counts"][column]) for column in ("created", "skipped", "invalid")))
    console.print(counts)
    invalid = [row for row in body["rows"] if row["status"] == "invalid"]
    if invalid:
        rows = Table(title="Invalid rows")
        for column in ("row", "email", "reason"):
            rows.add_column(column, overflow="fold")
        for row in invalid:
            rows.add_row(str(row["row"]), row["email"] or "", row["reason"], style=None)
        console.print(rows)
