"""`badgekit-api serve` and `badgekit-api migrate`."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from badgekit_api.cli import environment
from badgekit_api.cli.output import fail


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (env HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (env PORT)")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes; use one per core")] = 1,
    dev: Annotated[
        bool,
        typer.Option(
            "--dev",
            help="Development mode: a made-up master secret, kept in "
            f"{environment.DEV_SECRET_FILE} for the next start",
        ),
    ] = False,
    migrate: Annotated[
        bool | None,
        typer.Option(
            "--migrate/--no-migrate", help="Upgrade the schema first (default: on SQLite)"
        ),
    ] = None,
) -> None:
    """Run the API server."""
    import logging.config

    import uvicorn

    from badgekit_api.cli.database import described, load_settings, on_engine
    from badgekit_api.http import header_limits
    from badgekit_api.logging_config import logging_config
    from badgekit_api.migrations import runner

    settings = load_settings()
    if dev and not settings.master_secret:
        # The server processes read their settings from the environment.
        os.environ["MASTER_SECRET"] = _dev_secret()
    if dev and not settings.key_encryption_key:
        os.environ["KEY_ENCRYPTION_KEY"] = _dev_key_encryption_key()
    settings = load_settings(dev=dev or settings.dev)
    if problem := settings.master_secret_problem(required=True):
        raise fail(problem)
    if problem := settings.key_encryption_key_problem(required=True):
        raise fail(problem)
    log_config = logging_config(settings.log_level)
    # A log line like every other (one JSON object), so that log collectors can read it.
    logging.config.dictConfig(log_config)
    logging.getLogger("badgekit_api.server").info("Database: %s", described(settings.database_url))
    if migrate if migrate is not None else settings.is_sqlite:
        on_engine(runner.upgrade, settings)
    uvicorn.run(
        "badgekit_api.main:create_app",
        factory=True,
        host=host if host is not None else settings.host,
        port=port if port is not None else settings.port,  # 0 asks for any free port
        workers=workers,
        # Only a named proxy may say who the client is: see `Settings.forwarded_allow_ips`.
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips,
        access_log=False,  # request_log.py logs each request, without its query string
        http=header_limits.PROTOCOL,  # httptools, refusing heads that are too large
        log_config=log_config,
    )


def _dev_secret() -> str:
    """The development secret of this folder: the one made before, or a new one kept for
    the next start (so tokens signed earlier keep working)."""
    secret = environment.dev_secret()
    where = environment.DEV_SECRET_FILE.resolve()
    if secret:
        typer.echo(f"Development master secret (key `master`), from {where}: {secret}")
        return secret
    secret = secrets.token_urlsafe(32)
    environment.keep_dev_secret(secret)
    typer.echo(f"Development master secret (key `master`), kept in {where}: {secret}")
    return secret


def _dev_key_encryption_key() -> str:
    """The development KEY_ENCRYPTION_KEY of this folder, made and kept on first start
    (never printed: nothing needs it but this server)."""
    from badgekit_api.keys.encryption import new_key_encryption_key

    if key := environment.dev_key_encryption_key():
        return key
    key = new_key_encryption_key()
    environment.keep_dev_secret(key, environment.DEV_KEY_ENCRYPTION_KEY_FILE)
    where = environment.DEV_KEY_ENCRYPTION_KEY_FILE.resolve()
    typer.echo(f"Development KEY_ENCRYPTION_KEY (for the signing keys), kept in {where}")
    return key


def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "heads") -> None:
    """Upgrade the database schema."""
    from sqlalchemy.ext.asyncio import AsyncEngine

    from badgekit_api.cli.database import described, load_settings, on_engine
    from badgekit_api.migrations import runner

    settings = load_settings()

    async def upgrade(engine: AsyncEngine) -> tuple[str, ...]:
        await runner.upgrade(engine, revision)
        return await runner.current_revisions(engine)

    reached = on_engine(upgrade, settings)
    latest = " (the latest)" if set(reached) == set(runner.head_revisions()) else ""
    typer.echo(
        f"Database {described(settings.database_url)} is at revision "
        f"{', '.join(reached) or 'base (empty)'}{latest}."
    )
