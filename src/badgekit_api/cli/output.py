"""How every command reports: results on stdout, one red line on stderr when it fails."""

from __future__ import annotations

import os
from typing import Any

import typer


def colour_wanted() -> bool:
    """Colour unless NO_COLOR is set (https://no-color.org); click already drops colour
    codes when the stream is not a terminal."""
    return not os.environ.get("NO_COLOR")


def fail(message: str, *more_lines: str) -> typer.Exit:
    """What a command raises for a user's mistake: the message on stderr, exit status 1.

    `more_lines` (the fields a validation error names) follow it, uncoloured."""
    typer.secho(message, err=True, fg=typer.colors.RED if colour_wanted() else None)
    for line in more_lines:
        typer.echo(f"  {line}", err=True)
    return typer.Exit(code=1)


def detail_lines(details: Any) -> list[str]:
    """A BadgeKit error's `details` ([{field, message}, ...]) as lines under it."""
    if not isinstance(details, list):
        return []
    return [
        f"{detail.get('field')}: {detail.get('message')}"
        for detail in details
        if isinstance(detail, dict)
    ]
