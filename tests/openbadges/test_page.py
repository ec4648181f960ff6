"""The badge page browsers get at an assertion URL: content, states, escaping, and a
Content-Security-Policy that lets no script run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import httpx
import pytest

from tests.factories.containers import create_tree
from tests.openbadges.support import BASE, award, create_badge_with_image, revoke

HTML = {"Accept": "text/html"}
SCRIPT_NAME = "<script>alert(1)</script>"


class Page(HTMLParser):
    """The parts of a page these tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())

    def meta(self, key: str) -> str | None:
        for tag, attrs in self.tags:
            if tag == "meta" and key in (attrs.get("property"), attrs.get("name")):
                return attrs.get("content")
        return None


@pytest.fixture
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)


pytestmark = pytest.mark.usefixtures("tree")


async def test_the_page_shows_the_badge_and_its_award(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    badge = await create_badge_with_image(
        client, "program", slug="reader", strapline="Five books, one review."
    )
    expires = datetime(2031, 1, 2, tzinfo=UTC)
    instance = await award(
        client,
        "reader",
        expires=expires,
        evidence=(("https://work.example.org/essay", "My essay."),),
    )
    uid = instance.slug
    url = f"{BASE}/public/assertions/{uid}"

    response = await anon.get(f"/public/assertions/{uid}", headers=HTML)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    page = Page(response.text)
    for text in [
        "Awarded badge",
        "Python Basics",
        "Five books, one review.",
        "The holder has written and run a Python program.",
        "Program readers",
        "1 March 2024",
        "2 January 2031",
        "Read five books",
        "Any genre counts.",
        "Write one review",
        "My essay.",
    ]:
        assert text in page.text
    assert (
        "img",
        {
            "id": "badge-image",
            "src": badge["imageUrl"],
            "alt": "Python Basics",
            "width": "220",
            "height": "220",
        },
    ) in page.tags
    hrefs = {attrs["href"] for tag, attrs in page.tags if tag == "a"}
    assert hrefs == {
        "https://readers.example.org",
        "https://library.example.org/badges/python/criteria",
        "https://work.example.org/essay",
        f"{url}?v=1",
        f"{url}?v=2",
        f"{url}?v=3",
        f"{url}?v=3&format=jwt",
        f"{BASE}/public/systems/chicago/issuers/library/programs/readers/badges/reader",
        f"{url}.png",
    }
    assert page.meta("og:title") == "Python Basics"
    assert page.meta("og:description") == "The holder has written and run a Python program."
    assert page.meta("og:image") == badge["imageUrl"]
    assert page.meta("og:url") == url
    assert page.meta("og:type") == "website"
    assert (
        "link",
        {"rel": "alternate", "type": "application/ld+json", "href": f"{url}?v=2"},
    ) in page.tags
    # The earner's email is never shown: the documents only carry its hash.
    assert "earner@example.org" not in response.text


async def test_the_policy_forbids_every_script_and_inline_style(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    instance = await award(client, "reader")

    response = await anon.get(f"/public/assertions/{instance.slug}", headers=HTML)

    policy = dict(
        (directive.split(" ", 1) + [""])[:2]
        for directive in response.headers["content-security-policy"].split("; ")
    )
    assert policy["default-src"] == "'none'"
    assert "script-src" not in policy  # so default-src 'none' applies to scripts
    assert policy["style-src"] == "'self'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["x-content-type-options"] == "nosniff"
    page = Page(response.text)
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "style" not in tags
    assert not [attrs for _, attrs in page.tags if "style" in attrs]
    assert not [attrs for _, attrs in page.tags if any(name.startswith("on") for name in attrs)]
    stylesheets = [attrs["href"] for tag, attrs in page.tags if attrs.get("rel") == "stylesheet"]
    assert stylesheets == ["/public/assets/badge-page.css"]
    css = await anon.get(stylesheets[0])
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert ".badge" in css.text


async def test_everything_the_issuer_wrote_is_escaped(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(
        client,
        slug="evil",
        name=SCRIPT_NAME,
        consumerDescription='"><img src=x onerror=alert(2)>',
        criteria=[{"description": "<b>bold</b>", "required": False}],
    )
    instance = await award(client, "evil", evidence=((None, "</li><script>alert(3)</script>"),))

    response = await anon.get(f"/public/assertions/{instance.slug}", headers=HTML)

    page = Page(response.text)
    assert SCRIPT_NAME in page.text
    assert "<b>bold</b>" in page.text
    assert "</li><script>alert(3)</script>" in page.text
    assert page.meta("og:description") == '"><img src=x onerror=alert(2)>'
    assert [tag for tag, _ in page.tags].count("script") == 0
    assert [attrs for tag, attrs in page.tags if tag == "img"] == [
        {
            "id": "badge-image",
            "src": page.meta("og:image"),
            "alt": SCRIPT_NAME,
            "width": "220",
            "height": "220",
        }
    ]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


async def test_an_expired_award_says_so(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
    await create_badge_with_image(client, slug="reader")
    instance = await award(client, "reader", expires=datetime.now(UTC) - timedelta(days=3))

    response = await anon.get(f"/public/assertions/{instance.slug}", headers=HTML)

    assert response.status_code == 200
    page = Page(response.text)
    assert "Expired on" in " ".join(page.text)
    assert ("main", {"class": "badge badge--expired"}) in page.tags
    assert "Awarded badge" not in page.text


async def test_a_revoked_award_says_so_and_offers_no_baked_image(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_badge_with_image(client, slug="reader")
    instance = await award(client, "reader")
    await revoke(client, instance, "Awarded by mistake")

    response = await anon.get(f"/public/assertions/{instance.slug}", headers=HTML)

    assert response.status_code == 410
    page = Page(response.text)
    assert ("main", {"class": "badge badge--revoked"}) in page.tags
    assert "Reason given: Awarded by mistake" in page.text
    assert any(text.startswith("Revoked on") for text in page.text)
    hrefs = {attrs["href"] for tag, attrs in page.tags if tag == "a"}
    assert f"{BASE}/public/assertions/{instance.slug}.png" not in hrefs
