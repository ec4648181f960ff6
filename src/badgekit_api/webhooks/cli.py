"""`badgekit-api webhooks ...` and `badgekit-api worker`: the same services the API calls."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.body import validate
from badgekit_api.config import Settings
from badgekit_api.database import create_engine, create_session_factory
from badgekit_api.errors import BadgeKitError, NotFound
from badgekit_api.logging_config import configure_logging
from badgekit_api.models import System, Webhook
from badgekit_api.timestamps import iso_millis
from badgekit_api.webhooks import service as webhook_service
from badgekit_api.webhooks.addresses import AddressPolicy
from badgekit_api.webhooks.schemas import DeliveryRead, WebhookCreate
from badgekit_api.webhooks.worker import DeliveryWorker

T = TypeVar("T")

webhooks_app = typer.Typer(
    help="Manage webhooks and look at their deliveries.", no_args_is_help=True
)


def _run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    try:
        return asyncio.run(work())
    except BadgeKitError as exc:
        typer.secho(f"{exc.code}: {exc.message}", err=True, fg=typer.colors.RED)
        for detail in exc.details or []:
            typer.secho(f"  {detail['field']}: {detail['message']}", err=True)
        raise typer.Exit(code=1) from None


@asynccontextmanager
async def _transaction() -> AsyncIterator[AsyncSession]:
    engine = create_engine(Settings())
    try:
        async with create_session_factory(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()


async def _system(session: AsyncSession, slug: str) -> System:
    system = await session.scalar(select(System).where(System.slug == slug))
    if system is None:
        raise NotFound.for_field("system", "slug", slug)
    return system


async def _webhook(session: AsyncSession, webhook_id: int) -> Webhook:
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
    fields: dict[str, Any] = {"url": url}
    if secret is not None:
        fields["secret"] = secret
    if events:
        fields["events"] = [name for given in events for name in given.split(",")]

    async def create() -> Webhook:
        data = validate(WebhookCreate, fields)
        async with _transaction() as session:
            return await webhook_service.create(
                session,
                await _system(session, system),
                data,
                addresses=AddressPolicy.from_settings(Settings()),
            )

    webhook = _run(create)
    typer.echo(f"id:     {webhook.id}\nurl:    {webhook.url}\nevents: {', '.join(webhook.actions)}")
    typer.echo(f"secret: {webhook.secret}\n(The secret is not shown again.)")


@webhooks_app.command("list")
def list_webhooks(
    system: Annotated[str, typer.Option(help="Slug of the system")],
) -> None:
    """List a system's webhooks: id, active, events, url."""

    async def fetch() -> list[Webhook]:
        async with _transaction() as session:
            found = await _system(session, system)
            return list(await session.scalars(webhook_service.list_statement(found)))

    for webhook in _run(fetch):
        state = "active" if webhook.active else "inactive"
        typer.echo(f"{webhook.id}\t{state}\t{','.join(webhook.actions)}\t{webhook.url}")


@webhooks_app.command("remove")
def remove(webhook_id: Annotated[int, typer.Argument(help="The webhook's id")]) -> None:
    """Delete a webhook and its undelivered events."""

    async def delete() -> None:
        async with _transaction() as session:
            await webhook_service.delete(session, await _webhook(session, webhook_id))

    _run(delete)
    typer.echo(f"Removed webhook {webhook_id}.")


@webhooks_app.command("deliveries")
def deliveries(
    webhook_id: Annotated[int, typer.Argument(help="The webhook's id")],
    limit: Annotated[int, typer.Option(help="How many of the latest events to show")] = 20,
) -> None:
    """The latest events of a webhook and how their delivery went."""

    async def fetch() -> list[DeliveryRead]:
        async with _transaction() as session:
            webhook = await _webhook(session, webhook_id)
            statement = webhook_service.deliveries_statement(webhook).limit(limit)
            return [
                webhook_service.delivery_read(event) for event in await session.scalars(statement)
            ]

    for delivery in _run(fetch):
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
    settings = Settings(dev=dev or Settings().dev)
    # The worker verifies no requests, but a weak secret in its environment is one that
    # the servers beside it share: refuse it here too.
    if problem := settings.master_secret_problem(required=False):
        typer.secho(problem, err=True, fg=typer.colors.RED)
        raise typer.Exit(code=1)
    configure_logging(settings.log_level)

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
