"""`badgekit-api webhooks ...` and `badgekit-api worker`: the same services the API calls.

Each command imports the services when it runs (see `badgekit_api.cli`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from badgekit_api.models import System, Webhook
    from badgekit_api.webhooks.schemas import DeliveryRead

webhooks_app = typer.Typer(
    help="Manage webhooks and look at their deliveries.", no_args_is_help=True
)


async def _system(session: AsyncSession, slug: str) -> System:
    from sqlalchemy import select

    from badgekit_api.errors import NotFound
    from badgekit_api.models import System

    system = await session.scalar(select(System).where(System.slug == slug))
    if system is None:
        raise NotFound.for_field("system", "slug", slug)
    return system


async def _webhook(session: AsyncSession, webhook_id: int) -> Webhook:
    from badgekit_api.errors import NotFound
    from badgekit_api.models import Webhook

    webhook = await session.get(Webhook, webhook_id)
    if webhook is None:
        raise NotFound.for_field("webhook", "id", webhook_id)
    return webhook


@webhooks_app.command("add")
def add(
    system: Annotated[str, typer.Option(help="Slug of the system whose events to send")],
    url: Annotated[str, typer.Option(help="The receiver, an http(s) URL")],
    events: Annotated[
        list[str] | None,
        typer.Option(help="award, review or revoke; repeat or comma-separate (default: all)"),
    ] = None,
    secret: Annotated[
        str | None,
        typer.Option(help="Keep this signing secret (e.g. the receiver's from the original)"),
    ] = None,
) -> None:
    """Register a webhook; its signing secret is shown only now."""
    from badgekit_api.cli.database import in_transaction, load_settings
    from badgekit_api.http.body import validate
    from badgekit_api.webhooks import service as webhook_service
    from badgekit_api.webhooks.addresses import AddressPolicy
    from badgekit_api.webhooks.schemas import WebhookCreate

    settings = load_settings()
    fields: dict[str, Any] = {"url": url}
    if secret is not None:
        fields["secret"] = secret
    if events:
        fields["events"] = [name for given in events for name in given.split(",")]

    async def create(session: AsyncSession) -> Webhook:
        return await webhook_service.create(
            session,
            await _system(session, system),
            validate(WebhookCreate, fields),
            addresses=AddressPolicy.from_settings(settings),
        )

    webhook = in_transaction(create, settings)
    typer.echo(f"id:     {webhook.id}\nurl:    {webhook.url}\nevents: {', '.join(webhook.actions)}")
    typer.echo(f"secret: {webhook.secret}\n(The secret is not shown again.)")


@webhooks_app.command("list")
def list_webhooks(
    system: Annotated[str, typer.Option(help="Slug of the system")],
) -> None:
    """List a system's webhooks: id, active, events, url."""
    from badgekit_api.cli.database import in_transaction
    from badgekit_api.webhooks import service as webhook_service

    async def fetch(session: AsyncSession) -> list[Webhook]:
        found = await _system(session, system)
        return list(await session.scalars(webhook_service.list_statement(found)))

    for webhook in in_transaction(fetch):
        state = "active" if webhook.active else "inactive"
        typer.echo(f"{webhook.id}\t{state}\t{','.join(webhook.actions)}\t{webhook.url}")


@webhooks_app.command("remove")
def remove(webhook_id: Annotated[int, typer.Argument(help="The webhook's id")]) -> None:
    """Delete a webhook and its undelivered events."""
    from badgekit_api.cli.database import in_transaction
    from badgekit_api.webhooks import service as webhook_service

    async def delete(session: AsyncSession) -> None:
        await webhook_service.delete(session, await _webhook(session, webhook_id))

    in_transaction(delete)
    typer.echo(f"Removed webhook {webhook_id}.")


@webhooks_app.command("deliveries")
def deliveries(
    webhook_id: Annotated[int, typer.Argument(help="The webhook's id")],
    limit: Annotated[int, typer.Option(help="How many of the latest events to show")] = 20,
) -> None:
    """The latest events of a webhook and how their delivery went."""
    from badgekit_api.cli.database import in_transaction
    from badgekit_api.timestamps import iso_millis
    from badgekit_api.webhooks import service as webhook_service

    async def fetch(session: AsyncSession) -> list[DeliveryRead]:
        webhook = await _webhook(session, webhook_id)
        statement = webhook_service.deliveries_statement(webhook).limit(limit)
        return [webhook_service.delivery_read(event) for event in await session.scalars(statement)]

    for delivery in in_transaction(fetch):
        next_attempt = iso_millis(delivery.nextAttemptAt) if delivery.nextAttemptAt else "-"
        typer.echo(
            f"{delivery.id}\t{delivery.action}\t{delivery.status}\tattempts={delivery.attempts}"
            f"\tlast={delivery.lastStatusCode or '-'}\tnext={next_attempt}"
            f"\tcreated={iso_millis(delivery.created)}"
            + (f"\terror={delivery.lastError}" if delivery.lastError else "")
        )


def worker(
    dev: Annotated[
        bool, typer.Option("--dev", help="Development mode: accept a short MASTER_SECRET")
    ] = False,
) -> None:
    """Deliver webhook events until stopped (run any number, on any hosts)."""
    import asyncio
    import signal

    from badgekit_api import logging_config
    from badgekit_api.cli.database import load_settings
    from badgekit_api.cli.output import fail
    from badgekit_api.db.database import create_engine, create_session_factory
    from badgekit_api.webhooks.worker import DeliveryWorker

    settings = load_settings(dev=dev or load_settings().dev)
    # The worker verifies no requests, but a weak secret in its environment is one that
    # the servers beside it share: refuse it here too.
    if problem := settings.master_secret_problem(required=False):
        raise fail(problem)
    logging_config.configure_logging(settings.log_level)

    async def run() -> None:
        engine = create_engine(settings)
        delivery = DeliveryWorker.from_settings(settings, create_session_factory(engine))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, delivery.stop)
        try:
            await delivery.run()
        finally:
            await engine.dispose()

    typer.echo("Delivering webhook events (Ctrl-C to stop).")
    asyncio.run(run())
