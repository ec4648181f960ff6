"""`badgekit-api systems ...` and `badgekit-api consumers ...`: the services the API calls.

Each command imports the services when it runs (see `badgekit_api.cli`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from badgekit_api.cli.output import fail

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from badgekit_api.consumers.schemas import ConsumerRead
    from badgekit_api.models import System

systems_app = typer.Typer(help="Manage systems.", no_args_is_help=True)
consumers_app = typer.Typer(help="Manage per-system API keys.", no_args_is_help=True)


@systems_app.command("create")
def systems_create(
    slug: Annotated[str, typer.Option(help="Short name used in URLs")],
    name: Annotated[str, typer.Option()],
    url: Annotated[str, typer.Option(help="The system's web site")],
    description: Annotated[str | None, typer.Option()] = None,
    email: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a system."""
    from badgekit_api.cli.database import in_transaction, load_settings
    from badgekit_api.containers import service as container_service
    from badgekit_api.containers.schemas import ContainerCreate
    from badgekit_api.http.body import validate

    settings = load_settings()
    fields = {"slug": slug, "name": name, "url": url, "description": description, "email": email}

    async def create(session: AsyncSession) -> None:
        await container_service.create_container(
            session, 0, validate(ContainerCreate, fields), max_image_bytes=settings.max_image_bytes
        )

    in_transaction(create, settings)
    typer.echo(f"Created system `{slug}`.")


@systems_app.command("list")
def systems_list() -> None:
    """List systems."""
    from sqlalchemy import select

    from badgekit_api.cli.database import in_transaction
    from badgekit_api.models import System

    async def fetch(session: AsyncSession) -> list[System]:
        return list(await session.scalars(select(System).order_by(System.id)))

    for system in in_transaction(fetch):
        typer.echo(f"{system.slug}\t{system.name}\t{system.url}")


def _show_secret(key: str, secret: str) -> None:
    typer.echo(f"key:    {key}\nsecret: {secret}\n(The secret is not shown again.)")


@consumers_app.command("create")
def consumers_create(
    system: Annotated[str, typer.Option(help="Slug of the system the key may act on")],
) -> None:
    """Create an API key for one system; its secret is shown only now."""
    from badgekit_api.cli.database import in_transaction
    from badgekit_api.consumers import service as consumer_service

    async def create(session: AsyncSession) -> tuple[str, str]:
        consumer = await consumer_service.create(session, system)
        return consumer.key, consumer.secret

    _show_secret(*in_transaction(create))


@consumers_app.command("list")
def consumers_list(
    system: Annotated[str | None, typer.Option(help="Only the keys of this system")] = None,
) -> None:
    """List keys (never their secrets): key, system, state, created."""
    from badgekit_api.cli.database import in_transaction
    from badgekit_api.consumers import service as consumer_service
    from badgekit_api.consumers.schemas import ConsumerRead
    from badgekit_api.timestamps import iso_millis

    async def fetch(session: AsyncSession) -> list[ConsumerRead]:
        found = await session.scalars(consumer_service.list_statement(system))
        return [ConsumerRead.of(consumer) for consumer in found]

    for consumer in in_transaction(fetch):
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
    from datetime import timedelta

    from badgekit_api.cli.database import in_transaction, load_settings
    from badgekit_api.consumers import service as consumer_service

    settings = load_settings()
    seconds = settings.consumer_rotation_overlap_seconds if overlap is None else overlap
    if seconds < 0:
        raise fail("--overlap must be 0 or more seconds.")

    async def rotate(session: AsyncSession) -> str:
        consumer = await consumer_service.get(session, key)
        await consumer_service.rotate(session, consumer, timedelta(seconds=seconds))
        return consumer.secret

    _show_secret(key, in_transaction(rotate, settings))
    typer.echo(f"The old secret stays valid for {seconds} seconds.")


@consumers_app.command("revoke")
def consumers_revoke(key: Annotated[str, typer.Argument(help="The consumer key")]) -> None:
    """Refuse a key (all its secrets) from now on."""
    from badgekit_api.cli.database import in_transaction
    from badgekit_api.consumers import service as consumer_service

    async def revoke(session: AsyncSession) -> None:
        await consumer_service.revoke(session, await consumer_service.get(session, key))

    in_transaction(revoke)
    typer.echo(f"Revoked key `{key}`.")
