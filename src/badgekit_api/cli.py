"""The `badgekit-api` command: serve, migrate, and a few admin tasks that call the services."""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.config import Settings
from badgekit_api.consumers import service as consumer_service
from badgekit_api.consumers.schemas import ConsumerRead
from badgekit_api.containers import service as container_service
from badgekit_api.containers.schemas import ContainerCreate
from badgekit_api.database import create_engine, create_session_factory
from badgekit_api.errors import BadgeKitError
from badgekit_api.logging_config import logging_config
from badgekit_api.migrations import runner
from badgekit_api.models import System
from badgekit_api.signing import sign_request
from badgekit_api.systems import service as system_service
from badgekit_api.timestamps import iso_millis
from badgekit_api.webhooks.cli import webhooks_app
from badgekit_api.webhooks.cli import worker as webhook_worker

T = TypeVar("T")

app = typer.Typer(help="BadgeKit API server and admin tools.", no_args_is_help=True)
systems_app = typer.Typer(help="Manage systems.", no_args_is_help=True)
consumers_app = typer.Typer(help="Manage per-system API keys.", no_args_is_help=True)
app.add_typer(systems_app, name="systems")
app.add_typer(consumers_app, name="consumers")
app.add_typer(webhooks_app, name="webhooks")
app.command("worker")(webhook_worker)


def _fail(message: str) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code=1)


def _run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    try:
        return asyncio.run(work())
    except BadgeKitError as exc:
        raise _fail(f"{exc.code}: {exc.message}") from None


@asynccontextmanager
async def _session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """One committed transaction, as a request would have."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()


async def _migrate(settings: Settings, revision: str = "heads") -> None:
    engine = create_engine(settings)
    try:
        await runner.upgrade(engine, revision)
    finally:
        await engine.dispose()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (env HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (env PORT)")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes; use one per core")] = 1,
    dev: Annotated[
        bool, typer.Option("--dev", help="Development mode: make up a master secret")
    ] = False,
    migrate: Annotated[
        bool | None,
        typer.Option(
            "--migrate/--no-migrate", help="Upgrade the schema first (default: on SQLite)"
        ),
    ] = None,
) -> None:
    """Run the API server."""
    import uvicorn

    from badgekit_api import header_limits

    settings = Settings()
    if dev and not settings.master_secret:
        secret = secrets.token_urlsafe(32)
        os.environ["MASTER_SECRET"] = secret
        typer.echo(f"Development master secret (key `master`): {secret}")
    settings = Settings(dev=dev or Settings().dev)
    if problem := settings.master_secret_problem(required=True):
        raise _fail(problem)
    if migrate if migrate is not None else settings.is_sqlite:
        asyncio.run(_migrate(settings))
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
        log_config=logging_config(settings.log_level),
    )


@app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "heads") -> None:
    """Upgrade the database schema."""
    _run(lambda: _migrate(Settings(), revision))
    typer.echo(f"Database is at {revision}.")


@systems_app.command("create")
def systems_create(
    slug: Annotated[str, typer.Option(help="Short name used in URLs")],
    name: Annotated[str, typer.Option()],
    url: Annotated[str, typer.Option(help="The system's web site")],
    description: Annotated[str | None, typer.Option()] = None,
    email: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a system."""
    settings = Settings()

    async def create() -> None:
        from badgekit_api.body import validate

        data = validate(
            ContainerCreate,
            {"slug": slug, "name": name, "url": url, "description": description, "email": email},
        )
        async with _session(settings) as session:
            await container_service.create(
                session,
                System(),
                data,
                kind="system",
                siblings=system_service.ALL_SYSTEMS,
                max_image_bytes=settings.max_image_bytes,
            )

    _run(create)
    typer.echo(f"Created system `{slug}`.")


@systems_app.command("list")
def systems_list() -> None:
    """List systems."""

    async def fetch() -> list[System]:
        async with _session(Settings()) as session:
            return list(await session.scalars(select(System).order_by(System.id)))

    for system in _run(fetch):
        typer.echo(f"{system.slug}\t{system.name}\t{system.url}")


@consumers_app.command("create")
def consumers_create(
    system: Annotated[str, typer.Option(help="Slug of the system the key may act on")],
) -> None:
    """Create an API key for one system; its secret is shown only now."""

    async def create() -> tuple[str, str]:
        async with _session(Settings()) as session:
            consumer = await consumer_service.create(session, system)
            return consumer.key, consumer.secret

    key, secret = _run(create)
    typer.echo(f"key:    {key}\nsecret: {secret}\n(The secret is not shown again.)")


@consumers_app.command("list")
def consumers_list(
    system: Annotated[str | None, typer.Option(help="Only the keys of this system")] = None,
) -> None:
    """List keys (never their secrets): key, system, state, created."""

    async def fetch() -> list[ConsumerRead]:
        async with _session(Settings()) as session:
            found = await session.scalars(consumer_service.list_statement(system))
            return [ConsumerRead.of(consumer) for consumer in found]

    for consumer in _run(fetch):
        state = "revoked" if consumer.revoked else "active"
        if consumer.previousSecretExpires and not consumer.revoked:
            state += f" (old secret valid until {iso_millis(consumer.previousSecretExpires)})"
        typer.echo(f"{consumer.key}\t{consumer.system}\t{state}\t{iso_millis(consumer.created)}")


@consumers_app.command("rotate")
def consumers_rotate(
    key: Annotated[str, typer.Argument(help="The consumer key")],
    overlap: Annotated[
        int | None,
        typer.Option(help="Seconds the old secret stays valid (CONSUMER_ROTATION_OVERLAP_SECONDS)"),
    ] = None,
) -> None:
    """Give a key a new secret, shown only now; the old one works for a while longer."""
    settings = Settings()
    seconds = settings.consumer_rotation_overlap_seconds if overlap is None else overlap
    if seconds < 0:
        raise _fail("--overlap must be 0 or more seconds.")

    async def rotate() -> str:
        async with _session(settings) as session:
            consumer = await consumer_service.get(session, key)
            await consumer_service.rotate(session, consumer, timedelta(seconds=seconds))
            return consumer.secret

    secret = _run(rotate)
    typer.echo(f"key:    {key}\nsecret: {secret}\n(The secret is not shown again.)")
    typer.echo(f"The old secret stays valid for {seconds} seconds.")


@consumers_app.command("revoke")
def consumers_revoke(key: Annotated[str, typer.Argument(help="The consumer key")]) -> None:
    """Refuse a key (all its secrets) from now on."""

    async def revoke() -> None:
        async with _session(Settings()) as session:
            await consumer_service.revoke(session, await consumer_service.get(session, key))

    _run(revoke)
    typer.echo(f"Revoked key `{key}`.")


@app.command()
def token(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT or DELETE")],
    path: Annotated[str, typer.Argument(help="Path with its query string, e.g. /systems?page=1")],
    body: Annotated[Path | None, typer.Option(help="File holding the exact request body")] = None,
    key: Annotated[str, typer.Option(help="`master` or a consumer key")] = "master",
    secret: Annotated[
        str | None, typer.Option(help="Defaults to MASTER_SECRET for `master`")
    ] = None,
    ttl: Annotated[int, typer.Option(help="Seconds until the token expires")] = 300,
) -> None:
    """Print an `Authorization` header for one request, ready for curl -H."""
    secret = secret or (Settings().master_secret if key == "master" else None)
    if not secret:
        raise _fail("No secret: pass --secret or set MASTER_SECRET.")
    raw: bytes | None = None
    if body is not None:
        raw = sys.stdin.buffer.read() if str(body) == "-" else body.read_bytes()
    header = sign_request(
        method,
        path,
        raw,
        key=key,
        secret=secret,
        exp=int(time.time()) + ttl,
        jti=uuid.uuid4().hex,  # so the token also works where REPLAY_PROTECTION is on
    )
    typer.echo(f"Authorization: {header}")


def main() -> Any:  # pragma: no cover - console entry point
    return app()


if __name__ == "__main__":  # `python -m badgekit_api.cli`
    app()
