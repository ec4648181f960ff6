"""The `badgekit-api` command: serve, migrate, signed requests and a few admin tasks.

The modules that define the commands import only typer and the standard library; each
command imports the rest (the server, pydantic, SQLAlchemy, httpx) when it runs. Loading
all of it takes well over a second, more than `token` or `request` should take in all
(`tests/test_cli_startup.py` checks what they load).
"""

from __future__ import annotations

import typer

from badgekit_api.cli.admin import consumers_app, systems_app
from badgekit_api.cli.award import award
from badgekit_api.cli.importing import import_original
from badgekit_api.cli.portability import export, import_
from badgekit_api.cli.server import migrate, serve
from badgekit_api.cli.signed import request, token
from badgekit_api.keys.cli import keys_app
from badgekit_api.webhooks.cli import webhooks_app, worker

app = typer.Typer(help="BadgeKit API server and admin tools.", no_args_is_help=True)
app.command()(serve)
app.command()(migrate)
app.add_typer(systems_app, name="systems")
app.add_typer(consumers_app, name="consumers")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(keys_app, name="keys")
app.command()(worker)
app.command()(token)
app.command()(request)
app.command()(export)
app.command("import")(import_)
app.command("import-original")(import_original)
app.command()(award)
