"""The ceiling: a bare ASGI app answering a small JSON, served by uvicorn like the real one.

`uvicorn bench.baseline_app:app` on one worker measures what any Python server on this
machine can do at best; every scenario is reported as a fraction of it.
"""

from __future__ import annotations

from typing import Any

BODY = b'{"app":"BadgeKit API","version":"baseline"}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
