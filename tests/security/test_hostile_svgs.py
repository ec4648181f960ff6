"""Hostile SVG badge images (issue 15, defect 1).

The SVG patterns of upload sniffing and of baking nested repetitions over comments and
processing instructions: a few hundred bytes of `<!--a-->` before a root tag that never
ends took minutes per check, on the event loop, and baking redid it on every
unauthenticated `GET /public/assertions/<uid>.svg`. Each crafted image below, at every size
up to the upload limit, is now sniffed and baked in well under a second, uploads of them are
answered at once, and a server baking them keeps answering everyone else.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.config import Settings
from badgekit_api.images.sniffing import sniff_image_type
from badgekit_api.models import Image
from badgekit_api.openbadges.baking import BakingError, bake_svg
from tests.factories.badges import badge_body
from tests.factories.containers import create_tree
from tests.live_server import running_server
from tests.openbadges.support import award, create_badge_with_image
from tests.security.support import assert_error

MAX_IMAGE_BYTES = Settings.model_fields["max_image_bytes"].default
# Each check scans at most MAX_IMAGE_BYTES once, in C: tens of milliseconds. The bound is
# generous for a loaded machine; the patterns this replaces took minutes.
SECONDS = 2.0
SIZES = [256, 4096, 65_536, 1_048_576, MAX_IMAGE_BYTES]
URL = "https://badges.example.org/public/assertions/abc123"
SVG_ROOT = b'<svg xmlns="http://www.w3.org/2000/svg">'


def repeated(unit: bytes, size: int) -> bytes:
    return unit * (size // len(unit))


@dataclass(frozen=True)
class Hostile:
    """A crafted image of about `size` bytes, and whether the sniffer takes it for an SVG."""

    name: str
    make: Callable[[int], bytes]
    sniffed_as_svg: bool


HOSTILE = [
    Hostile(
        "comments-then-unended-root",
        lambda size: repeated(b"<!--a-->", size - 5) + b"<svg ",
        False,
    ),
    Hostile("pis-then-unended-root", lambda size: repeated(b"<?pi?>", size - 5) + b"<svg ", False),
    Hostile(
        "comments-then-no-root", lambda size: repeated(b"<!--a-->", size - 5) + b"<svx>", False
    ),
    Hostile(
        "unended-internal-subset",
        lambda size: b"<!DOCTYPE svg [" + repeated(b"<!--a-->", size - 15),
        False,
    ),
    Hostile("unended-quoted-root", lambda size: b"<svg" + repeated(b' a="b"', size - 4), False),
    Hostile(
        "unended-assertion-tags",
        lambda size: SVG_ROOT + repeated(b"<openbadges:assertion ", size - len(SVG_ROOT)),
        True,
    ),
    Hostile(
        "unended-assertion-element",
        lambda size: (
            SVG_ROOT
            + b"<openbadges:assertion>"
            + repeated(b"</openbadges:assertion ", size - len(SVG_ROOT) - 22)
        ),
        True,
    ),
]


def hostile_ids(hostile: Hostile) -> str:
    return hostile.name


@contextmanager
def finished_within(seconds: float) -> Iterator[None]:
    """Fail the test when the block runs longer than `seconds`: the alarm interrupts even a
    regular expression, so a backtracking one fails the test instead of hanging the run."""

    def overran(_signal: int, _frame: FrameType | None) -> None:
        pytest.fail(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, overran)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("hostile", HOSTILE, ids=hostile_ids)
def test_hostile_svgs_of_every_size_are_sniffed_and_baked_at_once(hostile: Hostile) -> None:
    for size in SIZES:
        data = hostile.make(size)
        assert size - 32 <= len(data) <= size
        with finished_within(SECONDS):
            sniffed = sniff_image_type(data)
        # Only the sniffer's first 4 KB may hold the prolog, so large variants of the
        # shapes whose prolog fills them are refused for that reason alone.
        assert (sniffed == "image/svg+xml") is hostile.sniffed_as_svg, size
        with finished_within(SECONDS), pytest.raises(BakingError):
            bake_svg(data, URL)


def test_an_svg_full_of_markup_up_to_the_upload_limit_bakes_at_once() -> None:
    comments = repeated(b"<!--a-->", 4000)
    body = repeated(b'<g class="a>b"><?pi?><!--c--></g>', MAX_IMAGE_BYTES - 4200)
    data = b"<?xml version='1.0'?>" + comments + SVG_ROOT + body + b"</svg>"
    assert len(data) <= MAX_IMAGE_BYTES

    with finished_within(SECONDS):
        assert sniff_image_type(data) == "image/svg+xml"
        baked = bake_svg(bake_svg(data, "https://old.example.org/a"), URL)

    assert baked.count(b"<openbadges:assertion") == 1
    assert f'<openbadges:assertion verify="{URL}"/>'.encode() in baked
    assert baked.endswith(body + b"</svg>")


@pytest.fixture
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


@pytest.mark.usefixtures("tree")
@pytest.mark.parametrize("hostile", [h for h in HOSTILE if not h.sniffed_as_svg], ids=hostile_ids)
@pytest.mark.parametrize("size", [1024, MAX_IMAGE_BYTES], ids=["1k", "limit"])
async def test_uploading_a_hostile_svg_is_a_400_at_once(
    client: httpx.AsyncClient, engine: AsyncEngine, hostile: Hostile, size: int
) -> None:
    form = {key: str(value) for key, value in badge_body(imageUrl=None).items()}
    files = {"image": ("badge.svg", hostile.make(size), "image/svg+xml")}

    with finished_within(SECONDS * 2):
        response = await client.post("/systems/chicago/badges", data=form, files=files)

    body = assert_error(response, 400, "ValidationError")
    assert body["details"] == [
        {
            "field": "image",
            "value": "badge.svg",
            "message": "Image must be a PNG, JPEG, GIF or SVG file",
        }
    ]
    async with engine.connect() as connection:
        assert (await connection.execute(select(Image.id))).all() == []


@pytest.mark.usefixtures("tree")
@pytest.mark.parametrize("hostile", [h for h in HOSTILE if h.sniffed_as_svg], ids=hostile_ids)
async def test_a_stored_hostile_svg_is_refused_baking_at_once(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, hostile: Hostile
) -> None:
    await create_badge_with_image(
        client, "system", hostile.make(MAX_IMAGE_BYTES), "image/svg+xml", slug="reader"
    )
    instance = await award(client, "reader")

    with finished_within(SECONDS * 2):
        response = await anon.get(f"/public/assertions/{instance.slug}.svg")

    body = assert_error(response, 404, "ImageNotBakeable")
    assert body["message"].startswith("The stored badge image cannot be baked: unclosed")


async def health_check(http: httpx.AsyncClient) -> httpx.Response:
    try:
        return await http.get("/", timeout=SECONDS * 5)
    except httpx.TimeoutException:
        pytest.fail(f"no answer to GET / within {SECONDS * 5} s while hostile images were baked")


@pytest.mark.usefixtures("tree")
async def test_a_server_baking_hostile_svgs_keeps_answering_health_checks(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    hostile = next(h for h in HOSTILE if h.name == "unended-assertion-tags")
    await create_badge_with_image(
        client, "system", hostile.make(MAX_IMAGE_BYTES), "image/svg+xml", slug="reader"
    )
    instance = await award(client, "reader")
    server = running_server(settings.database_url, extra_env={"WEBHOOK_WORKER": "false"})
    base_url = await asyncio.to_thread(server.__enter__)
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            bakes = [
                asyncio.create_task(http.get(f"/public/assertions/{instance.slug}.svg"))
                for _ in range(8)
            ]
            try:
                await asyncio.sleep(0.5)  # the bakes have reached the server
                health = await health_check(http)
                baked = await asyncio.gather(*bakes)
            finally:
                for bake in bakes:
                    bake.cancel()
                await asyncio.gather(*bakes, return_exceptions=True)
    finally:
        await asyncio.to_thread(server.__exit__, None, None, None)

    assert health.status_code == 200
    assert health.json()["app"] == "BadgeKit API"
    assert {response.status_code for response in baked} == {404}
    assert {response.json()["code"] for response in baked} == {"ImageNotBakeable"}
