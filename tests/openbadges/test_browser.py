"""The badge page in a real browser (headless Chromium from Debian's `chromium` package):
what a person sees, that its image and stylesheet load under its Content-Security-Policy,
and that a script written into a badge never runs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.browser import chromium, load, skip_without_chromium
from tests.factories.containers import create_tree
from tests.openbadges.images import badge_png
from tests.openbadges.support import award, create_badge_with_image, revoke

pytestmark = pytest.mark.e2e

SCREENSHOT = Path("/tmp/badge-page.png")
SCRIPT_NAME = "<script>alert(1)</script>"
IMAGE_SIZE = 160


@pytest.fixture(autouse=True)
def _chromium_installed() -> None:
    skip_without_chromium()


async def test_a_person_sees_the_badge_its_image_and_its_issuer(
    client: httpx.AsyncClient, live_server: str, tmp_path: Path
) -> None:
    await create_tree(client)
    await create_badge_with_image(client, "program", badge_png(IMAGE_SIZE), slug="reader")
    instance = await award(
        client,
        "reader",
        expires=datetime(2031, 1, 2, tzinfo=UTC),
        evidence=(("https://work.example.org/essay", "An essay on five books."),),
    )
    revoked = await award(client, "reader", email="gone@example.org")
    await revoke(client, revoked, "Awarded by mistake")

    async with chromium() as browser:
        page = await load(browser, f"{live_server}/public/assertions/{instance.slug}", SCREENSHOT)
        gone = await load(
            browser, f"{live_server}/public/assertions/{revoked.slug}", tmp_path / "revoked.png"
        )

    assert page.status == 200
    assert page.snapshot["title"] == "Python Basics · Program readers"
    assert page.snapshot["name"] == "Python Basics"
    assert page.snapshot["status"].strip() == "Awarded badge"
    assert page.snapshot["image"] == {"complete": True, "naturalWidth": IMAGE_SIZE}
    assert page.snapshot["styled"] == "12px"  # the served stylesheet applied
    assert page.snapshot["scripts"] == 0
    assert page.dialogs == []
    assert page.log == []  # no resource failed, nothing was blocked by the policy
    assert SCREENSHOT.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert SCREENSHOT.stat().st_size > 10_000
    assert gone.status == 410
    assert gone.snapshot["status"].strip().startswith("Revoked on")
    assert gone.snapshot["image"] == {"complete": True, "naturalWidth": IMAGE_SIZE}


async def test_script_written_into_a_badge_is_shown_as_text_and_never_runs(
    client: httpx.AsyncClient, live_server: str, tmp_path: Path
) -> None:
    await create_tree(client)
    await create_badge_with_image(
        client,
        slug="evil",
        name=SCRIPT_NAME,
        consumerDescription='"><img src=x onerror="window.badgekitInjected=1">',
        strapline="<svg onload=\"window.badgekitInjected='svg'\"></svg>",
    )
    instance = await award(
        client, "evil", evidence=((None, "<script>window.badgekitInjected=2</script>"),)
    )

    async with chromium() as browser:
        page = await load(
            browser, f"{live_server}/public/assertions/{instance.slug}", tmp_path / "evil.png"
        )

    assert page.status == 200
    assert page.snapshot["title"] == f"{SCRIPT_NAME} · System chicago"
    assert page.snapshot["name"] == SCRIPT_NAME
    assert page.snapshot["scripts"] == 0
    assert page.snapshot["marker"] is None
    assert page.dialogs == []
    assert page.log == []
