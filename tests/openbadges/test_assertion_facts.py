"""The JSON assertion is written from one plain row (`service.assertion_facts`); the badge
page and baked images from a loaded instance (`assertions.facts_of`). Both must read the
same facts off every kind of award, or an assertion would change with the URL it is
fetched at."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI

from badgekit_api.http.urls import PublicUrls
from badgekit_api.openbadges import service
from badgekit_api.openbadges.assertions import document_of, facts_of
from tests.factories.badges import LEVELS, create_badge
from tests.factories.containers import create_tree
from tests.openbadges.support import award, create_badge_with_image, revoke

URLS = PublicUrls("https://badges.example.org")
EVIDENCE = (
    ("https://work.example.org/essay", "An essay."),
    (None, "A talk."),
    ("https://work.example.org/u", None),
)


async def test_both_readers_agree_on_every_kind_of_award(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await create_tree(client)
    awards = []
    for level in LEVELS:
        await create_badge_with_image(client, level, slug=f"png-{level}")
        await create_badge(client, level, slug=f"plain-{level}")
        awards.append(await award(client, f"png-{level}", evidence=EVIDENCE))
        awards.append(
            await award(
                client,
                f"plain-{level}",
                email="later@example.org",
                expires=datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC),
            )
        )
    await create_badge_with_image(
        client,
        slug="svg",
        image=b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        mimetype="image/svg+xml",
    )
    awards.append(await award(client, "svg"))
    await revoke(client, awards[0])
    await revoke(client, awards[1], reason=None)

    read = []
    async with app.state.session_factory() as session:
        for awarded in awards:
            from_row = await service.read_assertion_facts(session, awarded.slug, URLS)
            from_instance = facts_of(await service.get_instance(session, awarded.slug), URLS)
            for version_2 in (False, True):
                shown = document_of(from_row, URLS, version_2=version_2)
                assert shown == document_of(from_instance, URLS, version_2=version_2), awarded
            read.append(from_row)

    # Every branch was taken: revoked or not, baked PNG, SVG or none, evidence, expiry.
    assert {facts.revoked for facts in read} == {True, False}
    baked = {(facts.baked_image_url or ".none").rsplit(".", 1)[1] for facts in read}
    assert baked == {"png", "svg", "none"}
    assert any(facts.evidence for facts in read)
    assert any(facts.expires for facts in read)
    assert {facts.badge_class_url.count("/issuers/") for facts in read} == {0, 1}
