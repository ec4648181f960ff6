"""Webhooks and consumer keys, with their secrets: receivers keep verifying calls, and the
original's clients keep signing requests, unchanged."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from badgekit_api.importing.source import Row
from badgekit_api.importing.tables import Context, Planned, TableMapping
from badgekit_api.importing.values import fits
from badgekit_api.models import Consumer, Webhook
from badgekit_api.webhooks.events import ACTIONS

MAX_SECRET = 128
MAX_KEY = 64


class Webhooks(TableMapping):
    legacy = "webhooks"
    columns = ("id", "url", "secret", "systemId")
    target: ClassVar[Table] = Webhook.__table__  # type: ignore[assignment]

    def plan(self, row: Row, context: Context) -> Planned:
        system = context.systems.get(row["systemId"])
        values = {
            "system_id": system,
            "url": row["url"],
            "secret": row["secret"],
            # The original sent every event to every webhook.
            "events": ",".join(ACTIONS),
            "active": True,
            "created_at": context.now,
        }
        planned = Planned(row["id"], values)
        if system is None:
            planned.skip = "its system is missing or was not imported"
        elif not row["secret"] or not fits(row["secret"], MAX_SECRET):
            planned.skip = f"secret empty or longer than {MAX_SECRET} characters"
        return planned


class Consumers(TableMapping):
    legacy = "consumers"
    columns = ("id", "apiKey", "apiSecret", "description", "systemId")
    target: ClassVar[Table] = Consumer.__table__  # type: ignore[assignment]

    def plan(self, row: Row, context: Context) -> Planned:
        system = context.systems.get(row["systemId"])
        values = {
            "key": row["apiKey"],
            "secret": row["apiSecret"],
            "system_id": system,
            "revoked_at": None,
            "previous_secret": None,
            "previous_secret_expires_at": None,
            "rotated_at": None,
            "created_at": context.now,
        }
        planned = Planned(row["id"], values)
        if system is None:
            planned.skip = "its system is missing or was not imported"
        elif not row["apiKey"] or not fits(row["apiKey"], MAX_KEY):
            planned.skip = f"key empty or longer than {MAX_KEY} characters"
        elif not row["apiSecret"] or not fits(row["apiSecret"], MAX_SECRET):
            planned.skip = f"secret empty or longer than {MAX_SECRET} characters"
        elif row["description"]:
            planned.fallbacks.append("description not kept: keys here have none")
        return planned

    async def settle(
        self, planned: list[Planned], connection: AsyncConnection, context: Context
    ) -> None:
        live = [p for p in planned if p.skip is None]
        column = self.target.c.key
        keys = [p.values["key"] for p in live]
        taken = (
            set(await connection.scalars(select(column).where(column.in_(keys)))) if keys else set()
        )
        for p in live:
            if p.values["key"] in taken or ("consumer", p.values["key"]) in context.taken:
                p.skip = "the target has a consumer with this key already"
            context.taken.add(("consumer", p.values["key"]))
