"""Check a pooled database connection before use only when it has sat idle a while.

SQLAlchemy's `pool_pre_ping` pings at every checkout: on asyncpg that is a BEGIN and a
ROLLBACK, two round trips, more than the statements of most reads. A connection that was
handed back a moment ago is as good as the statement it just ran; one that sat idle may
have been cut off by a database restart, a failover or a firewall, and is pinged first.
A connection that breaks while in use fails its statement (a 503), and SQLAlchemy then
discards every connection of the pool made before the failure, so a restarted database
costs at most the requests in flight at that moment.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine

RETURNED_AT = "badgekit_returned_at"


def ping_idle_connections(engine: AsyncEngine, idle_seconds: float) -> None:
    dialect = engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[RETURNED_AT] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get(RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at < idle_seconds:
            return  # just made, or just used
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards the connection and checks out (or makes) another.
            raise exc.DisconnectionError(f"idle connection is gone: {error}") from error
        if not alive:
            raise exc.DisconnectionError("idle connection is gone")
