"""How many SQL statements one request of each scenario runs (in-process, same database)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import event

from badgekit_api.config import Settings
from badgekit_api.main import create_app
from bench.plans import Call
from bench.seed import signed_client

NOT_COUNTED = ("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


async def count_queries(
    database_url: str, secret: str, calls: dict[str, Call], *, key: str = "master"
) -> dict[str, int]:
    """Send each scenario's call to an app on `database_url` and count its statements."""
    settings = Settings(database_url=database_url, master_secret=secret, webhook_worker=False)
    app = create_app(settings)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(NOT_COUNTED):
            statements.append(statement)

    engine = app.state.engine
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    counts: dict[str, int] = {}
    try:
        transport = httpx.ASGITransport(app=app)
        async with (
            signed_client("http://bench.test", key, secret, transport) as signed,
            httpx.AsyncClient(base_url="http://bench.test", transport=transport) as anonymous,
        ):
            for name, call in calls.items():
                client = signed if call.signed else anonymous
                statements.clear()
                response = await client.request(call.method, call.path, json=call.body)
                if response.status_code not in call.ok:
                    raise RuntimeError(
                        f"query count of {name}: {response.status_code} {response.text}"
                    )
                counts[name] = len(statements)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
        await engine.dispose()
    return counts
