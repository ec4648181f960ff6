"""CPU per request of the HTTP layer alone, in process: no sockets, no server, no wrk.

`python -m bench.http_profile` calls ASGI apps directly with a minimal caller (a fresh
scope per request, as a server builds one; a `receive` with an empty body; a `send` that
drops what it is given), times batches with `time.process_time` (every thread of the
process: aiosqlite's too) and prints microseconds of CPU per request, the best of several
batches (the machine is shared; the best batch is the least disturbed one). Rows:

- the bare ASGI app of the bench's baseline (`bench/baseline_app.py`);
- a FastAPI app holding only a `GET /` route like ours, no middleware;
- our app (`create_app`) without its middleware (its stack called directly, then through
  `FastAPI.__call__` as a server calls it), then with them added one at a time from the
  innermost out, then its edge layer (`http/edge.py`, where the app has one): the app as
  served; with uvicorn's ProxyHeadersMiddleware around it, as `serve` runs it when
  `FORWARDED_ALLOW_IPS` is set (the bench sets it); and with its request log line off;

for `GET /` and for a signed `GET` of one badge (seeded through the app itself, in a
temporary SQLite file or the database named by `--database-url`). The request log is on,
formatted as the server formats it and written to /dev/null. `--profile ROW` prints
cProfile's view of one row's requests instead (sorted by `PROFILE_SORT`, `tottime` by
default, `PROFILE_LINES` lines); `--loop SECONDS` only serves the signed GET as served, for
a sampling profiler (`serve_for`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import logging
import logging.config
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import BaseModel
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from badgekit_api import __version__
from badgekit_api.config import Settings
from badgekit_api.logging_config import logging_config
from badgekit_api.main import create_app
from badgekit_api.migrations import runner
from badgekit_api.security.signing import sign_request
from bench import baseline_app
from bench.seed import _badge_body

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
SECRET = "http-profile-master-secret-0123456789-abcdefghij"


@dataclass(frozen=True)
class Row:
    name: str
    app: ASGIApp


@dataclass(frozen=True)
class Probe:
    name: str
    scope: dict[str, Any]
    share: float = 1.0  # of `--requests` per batch: a database read costs far more


def http_scope(path: str, headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    """A scope like uvicorn's (httptools) for a GET without a body."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 40000),
        "scheme": "http",
        "method": "GET",
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"user-agent", b"wrk"),
            *(headers or []),
        ],
        "state": {},
    }


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _drop(_message: dict[str, Any]) -> None:
    return None


async def answer(app: ASGIApp, scope: dict[str, Any]) -> tuple[int, bytes]:
    """One request's status and body (to check a row answers what it should)."""
    messages: list[dict[str, Any]] = []

    async def keep(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(dict(scope), _receive, keep)
    body = b"".join(message.get("body", b"") for message in messages[1:])
    return messages[0]["status"], body


async def batch(app: ASGIApp, scope: dict[str, Any], requests: int) -> float:
    """CPU seconds per request over `requests` requests."""
    started = time.process_time()
    for _ in range(requests):
        await app(dict(scope), _receive, _drop)
    return (time.process_time() - started) / requests


def fastapi_one_route() -> FastAPI:
    class Health(BaseModel):
        app: str
        version: str

    app = FastAPI()

    @app.get("/", response_model=Health)
    async def ping() -> Health:
        return Health(app="BadgeKit API", version=__version__)

    return app


def with_middleware(app: FastAPI, count: int, *, directly: bool = False) -> ASGIApp:
    """`app` past its edge layer (when it has one, `http/edge.py`) with only its `count`
    innermost middleware, called through `FastAPI.__call__` as a server calls it, or its
    middleware stack called `directly`."""
    everything = list(app.user_middleware)
    app.user_middleware = everything[len(everything) - count :] if count else []
    stack = app.build_middleware_stack()
    app.user_middleware = everything
    app.middleware_stack = None
    routed: ASGIApp = getattr(app, "routed", app)

    async def call(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if directly:
            scope["app"] = app  # what Starlette's __call__ does before its stack
            await stack(scope, receive, send)
            return
        app.middleware_stack = stack
        await routed(scope, receive, send)

    return call


def without_request_log(app: ASGIApp) -> ASGIApp:
    requests = logging.getLogger("badgekit_api.requests")

    async def call(scope: dict[str, Any], receive: Any, send: Any) -> None:
        requests.disabled = True
        try:
            await app(scope, receive, send)
        finally:
            requests.disabled = False

    return call


def rows(app: FastAPI) -> list[Row]:
    found = [
        Row("bare ASGI (baseline_app)", baseline_app.app),
        Row("FastAPI, one route, no middleware", fastapi_one_route()),
        Row("ours, no middleware, past FastAPI.__call__", with_middleware(app, 0, directly=True)),
        Row("ours, no middleware", with_middleware(app, 0)),
    ]
    names = [entry.cls.__name__ for entry in app.user_middleware]  # type: ignore[attr-defined]
    for count in range(1, len(names) + 1):
        found.append(Row(f"  + {names[-count]}", with_middleware(app, count)))
    if getattr(app, "edge", None) is not None:
        found.append(Row("  + the edge layer (as served)", app))
    # What `serve` adds when FORWARDED_ALLOW_IPS names a proxy, as the bench's does.
    proxied = ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1")  # type: ignore[arg-type]
    found.append(Row("as served, + uvicorn's ProxyHeadersMiddleware", proxied))
    found.append(Row("as served, request log off", without_request_log(app)))
    return found


async def seed_badge(app: FastAPI) -> str:
    """A system with one badge, created through the app; the badge's path."""
    system = f"profile-{secrets.token_hex(4)}"

    async def sign(request: httpx.Request) -> None:
        body = await request.aread()
        request.headers["Authorization"] = sign_request(
            request.method, request.url.raw_path.decode(), body, key="master", secret=SECRET
        )

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://profile", event_hooks={"request": [sign]}
    ) as client:
        created = await client.post(
            "/systems", json={"slug": system, "name": "Profile", "url": "https://example.org"}
        )
        created.raise_for_status()
        badge = await client.post(f"/systems/{system}/badges", json=_badge_body(0))
        badge.raise_for_status()
        slug: str = badge.json()["badge"]["slug"]
    return f"/systems/{system}/badges/{slug}"


def probes(badge_path: str) -> list[Probe]:
    token = sign_request("GET", badge_path, None, key="master", secret=SECRET)
    return [
        Probe("GET /", http_scope("/")),
        Probe(
            "signed GET one badge",
            http_scope(badge_path, [(b"authorization", token.encode())]),
            share=0.1,
        ),
    ]


async def measure(
    table: list[Row], probe_list: list[Probe], requests: int, rounds: int
) -> dict[tuple[str, str], tuple[float, float]]:
    """(row, probe) -> (best, median) µs of CPU per request. Rows alternate within each
    round, so that a slow stretch of the machine falls on all of them alike."""
    samples: dict[tuple[str, str], list[float]] = {}
    for probe in probe_list:
        for row in table:
            if row.name.startswith("FastAPI, one") and probe.scope["path"] != "/":
                continue
            status, body = await answer(row.app, probe.scope)
            if status != 200:
                raise RuntimeError(f"{row.name}, {probe.name}: {status} {body[:200]!r}")
            await batch(row.app, probe.scope, int(requests * probe.share / 5) + 1)  # warm up
            samples[(row.name, probe.name)] = []
    for _ in range(rounds):
        for probe in probe_list:
            for row in table:
                key = (row.name, probe.name)
                if key in samples:
                    count = int(requests * probe.share) + 1
                    samples[key].append(await batch(row.app, probe.scope, count))
    return {
        key: (min(values) * 1e6, statistics.median(values) * 1e6) for key, values in samples.items()
    }


def print_table(
    table: list[Row], probe_list: list[Probe], found: dict[tuple[str, str], tuple[float, float]]
) -> None:
    bare = found[(table[0].name, probe_list[0].name)][0]
    header = ["row"]
    for probe in probe_list:
        header += [f"{probe.name} µs (median)", "added µs"]
    header.append("GET / bare/row")
    say("| " + " | ".join(header) + " |")
    say("| --- |" + " ---: |" * (len(header) - 1))
    previous: dict[str, float] = {}
    for row in table:
        cells = [row.name]
        for probe in probe_list:
            value = found.get((row.name, probe.name))
            if value is None:
                cells += ["", ""]
                continue
            best, median = value
            before = previous.get(probe.name)
            added = "" if before is None else f"{best - before:+.1f}"
            cells += [f"{best:.1f} ({median:.1f})", added]
            previous[probe.name] = best
        health = found[(row.name, probe_list[0].name)][0]
        cells.append(f"{bare / health:.1%}")
        say("| " + " | ".join(cells) + " |")


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def server_logging() -> None:
    """The server's log configuration, its stderr handler writing to /dev/null."""
    logging.config.dictConfig(logging_config("INFO"))
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - lives with the process


async def main(arguments: argparse.Namespace) -> None:
    server_logging()
    with tempfile.TemporaryDirectory() as tmp:
        url = arguments.database_url or f"sqlite+aiosqlite:///{tmp}/profile.db"
        settings = Settings(database_url=url, master_secret=SECRET, webhook_worker=False)
        app = create_app(settings)
        try:
            await runner.upgrade(app.state.engine)
            probe_list = probes(await seed_badge(app))
            table = rows(app)
            # As the server's lifespan does once it has loaded everything (`main.py`).
            gc.collect()
            gc.freeze()
            if arguments.profile:
                await profile(table, probe_list, arguments.profile, arguments.requests)
                return
            if arguments.loop:
                await serve_for(table[-1], probe_list[-1], arguments.loop)
                return
            found = await measure(table, probe_list, arguments.requests, arguments.rounds)
            say(f"CPU µs per request, best of {arguments.rounds} batches of {arguments.requests}")
            say(f"(median in brackets); database {url.split(':')[0]}; load {os.getloadavg()}")
            say()
            print_table(table, probe_list, found)
        finally:
            await app.state.engine.dispose()


async def profile(table: list[Row], probe_list: list[Probe], which: str, requests: int) -> None:
    [row] = [row for row in table if which.lower() in row.name.lower()][:1]
    for probe in probe_list:
        if row.name.startswith("FastAPI, one") and probe.scope["path"] != "/":
            continue
        count = int(requests * probe.share) + 1
        await batch(row.app, probe.scope, count // 5 + 1)
        profiler = cProfile.Profile()
        profiler.enable()
        await batch(row.app, probe.scope, count)
        profiler.disable()
        say(f"== {row.name}: {probe.name}, {count} requests")
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(
            int(os.environ.get("PROFILE_LINES", "30"))
        )


async def serve_for(row: Row, probe: Probe, seconds: float) -> None:
    """Answer `probe` through `row` for `seconds`, for a sampling profiler outside the
    process (`py-spy record -f raw -- python -m bench.http_profile --loop 20`, then
    `python -m bench.spy_summary`): cProfile's own cost per call distorts a view of many
    small calls, a sampler's does not."""
    await batch(row.app, probe.scope, 200)  # warm up
    ends = time.monotonic() + seconds
    served, started = 0, time.process_time()
    while time.monotonic() < ends:
        await batch(row.app, probe.scope, 100)
        served += 100
    spent = (time.process_time() - started) / served * 1e6
    say(f"{row.name}, {probe.name}: {served} requests, {spent:.0f} µs of CPU each")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per batch")
    parser.add_argument("--rounds", type=int, default=7, help="batches per row and request")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--profile", metavar="ROW", help="cProfile the first row named so")
    parser.add_argument(
        "--loop", type=float, metavar="SECONDS", help="serve the last request as served, only"
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn's default loop when it is there
        asyncio.run(main(parse()))
    else:
        uvloop.run(main(parse()))
