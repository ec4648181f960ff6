"""Headless Chromium driven over the DevTools protocol: load a page, report what a person
would see (title, texts, whether images loaded, dialogs, console and CSP errors) and take a
screenshot, or act on a page as a person would and report the outcome. Nothing is injected
into the page's own scripts: evaluation runs through DevTools."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.live_server import stop

CHROMIUM = "/usr/bin/chromium"
# Set by .ci/run, which installs Chromium: there its absence fails instead of skipping.
REQUIRED_BY = "BADGEKIT_TESTS_NEED_CHROMIUM"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    "--window-size=1100,1000",
]
# What the page shows, read through DevTools after the load event.
SNAPSHOT = """JSON.stringify({
  title: document.title,
  name: (document.getElementById('badge-name') || {}).textContent || null,
  status: (document.querySelector('.status') || {}).textContent || null,
  image: (img => img ? {complete: img.complete, naturalWidth: img.naturalWidth} : null)(
    document.getElementById('badge-image')),
  scripts: document.scripts.length,
  styled: getComputedStyle(document.querySelector('main')).borderTopLeftRadius,
  marker: window.badgekitInjected === undefined ? null : String(window.badgekitInjected),
})"""


def skip_without_chromium() -> None:
    """Skip (one line, with how to install it) where Chromium is absent, except under CI."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get(REQUIRED_BY):
        pytest.fail(f"{REQUIRED_BY} is set but {CHROMIUM} is missing")
    pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install -y chromium)")


@dataclass
class PageReport:
    status: int | None
    snapshot: dict[str, Any]
    dialogs: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


class DevTools:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self.ids)
        await self.socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(await self.socket.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]  # type: ignore[no-any-return]
            self.events.append(message)

    async def wait_for(self, method: str, timeout: float = 20.0) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            for event in self.events:
                if event.get("method") == method:
                    return event
            while True:
                message = json.loads(await self.socket.recv())
                self.events.append(message)
                if message.get("method") == method:
                    return message


async def _devtools_port(profile: Path, process: subprocess.Popen[bytes]) -> int:
    # With --remote-debugging-port=0 Chromium picks a free port and writes it here.
    port_file = profile / "DevToolsActivePort"
    async with asyncio.timeout(30):
        while not port_file.exists() or not port_file.read_text().strip():
            if process.poll() is not None:
                raise RuntimeError(f"chromium exited with {process.returncode}")
            await asyncio.sleep(0.1)
    return int(port_file.read_text().split()[0])


@asynccontextmanager
async def chromium() -> AsyncIterator[str]:
    """A headless Chromium; yields the DevTools HTTP endpoint on loopback."""
    profile = Path(tempfile.mkdtemp(prefix="badgekit-chromium-"))
    process = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = await _devtools_port(profile, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        shutil.rmtree(profile, ignore_errors=True)


@dataclass
class ScriptReport:
    value: Any
    requested: list[str]  # every URL the page asked for, itself included
    log: list[str] = field(default_factory=list)


@asynccontextmanager
async def _tab(endpoint: str, url: str) -> AsyncIterator[DevTools]:
    """A new tab with `url` loaded (its load event fired); closed on the way out."""
    async with httpx.AsyncClient() as http:
        target = (await http.put(f"{endpoint}/json/new?about:blank")).json()
    async with connect(target["webSocketDebuggerUrl"], max_size=None) as socket:
        tools = DevTools(socket)
        for domain in ("Page", "Runtime", "Log", "Network"):
            await tools.call(f"{domain}.enable")
        await tools.call("Page.navigate", url=url)
        await tools.wait_for("Page.loadEventFired")
        yield tools
        await tools.call("Page.close")


async def load(endpoint: str, url: str, screenshot: Path | None = None) -> PageReport:
    """Open `url` in a new tab, wait for it to load, and report what it shows."""
    async with _tab(endpoint, url) as tools:
        result = await tools.call("Runtime.evaluate", expression=SNAPSHOT, returnByValue=True)
        snapshot = json.loads(result["result"]["value"])
        if screenshot is not None:
            shot = await tools.call(
                "Page.captureScreenshot", format="png", captureBeyondViewport=True
            )
            screenshot.write_bytes(base64.b64decode(shot["data"]))
    return PageReport(
        status=_document_status(tools.events, url),
        snapshot=snapshot,
        dialogs=[
            event["params"]["message"]
            for event in tools.events
            if event.get("method") == "Page.javascriptDialogOpening"
        ],
        log=_problems(tools.events),
    )


async def run_script(endpoint: str, url: str, expression: str) -> ScriptReport:
    """Open `url`, then evaluate `expression` (which may return a promise) in the page, as
    the console would, and report its JSON value with what the page loaded and logged."""
    async with _tab(endpoint, url) as tools:
        result = await tools.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
    if "exceptionDetails" in result:
        raise RuntimeError(f"in the page: {result['exceptionDetails']}")
    return ScriptReport(
        value=result["result"].get("value"),
        requested=[
            event["params"]["request"]["url"]
            for event in tools.events
            if event.get("method") == "Network.requestWillBeSent"
        ],
        log=_problems(tools.events),
    )


def _problems(events: list[dict[str, Any]]) -> list[str]:
    """Console errors and warnings: failed loads and policy violations among them."""
    return [
        f"{event['params']['entry']['text']} {event['params']['entry'].get('url', '')}"
        for event in events
        if event.get("method") == "Log.entryAdded"
        and event["params"]["entry"]["level"] in ("error", "warning")
    ]


def _document_status(events: list[dict[str, Any]], url: str) -> int | None:
    for event in events:
        if event.get("method") == "Network.responseReceived":
            response = event["params"]["response"]
            if response["url"] == url:
                return int(response["status"])
    return None
