"""Assessment end to end, over a real server process: an earner applies with evidence, a
reviewer approves, the issuer's site hears a signed `review` event, issues the badge and
marks the application processed (assessment.md, webhooks.md)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.badges import badge_body
from tests.factories.images import png_bytes
from tests.support import make_live_client
from tests.webhooks.support import deliver, loopback_receiver, verified_claims

pytestmark = pytest.mark.e2e

PROGRAM = "/systems/chicago/issuers/library/programs/readers"
CRITERIA = [
    {"description": "Reads five books", "required": True},
    {"description": "Writes a review of one", "required": True},
    {"description": "Recommends a book to a friend", "required": False},
]


async def created(response: httpx.Response, kind: str) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()[kind]  # type: ignore[no-any-return]


async def build_tree(site: httpx.AsyncClient) -> dict[str, Any]:
    """chicago / library / readers, and a program badge with three criteria."""
    for path, slug in [
        ("/systems", "chicago"),
        ("/systems/chicago/issuers", "library"),
        ("/systems/chicago/issuers/library/programs", "readers"),
    ]:
        body = {"slug": slug, "name": slug.title(), "url": f"https://{slug}.example.org"}
        await created(await site.post(path, json=body), path.rsplit("/", 1)[-1][:-1])
    return await created(
        await site.post(
            f"{PROGRAM}/badges", json=badge_body(name="Summer Reader", criteria=CRITERIA)
        ),
        "badge",
    )


async def test_apply_review_hear_issue_and_process(app: FastAPI, live_server: str) -> None:
    async with (
        make_live_client(live_server) as site,
        loopback_receiver() as receiver,
        httpx.AsyncClient() as delivery_http,
    ):
        badge = await build_tree(site)
        webhook = await created(
            await site.post(
                "/systems/chicago/webhooks",
                json={"url": receiver.url, "events": ["review", "award"]},
            ),
            "webhook",
        )
        applications = f"{PROGRAM}/badges/{badge['slug']}/applications"

        # The earner applies from the issuer's site: a form with a link and a photo.
        application = await created(
            await site.post(
                applications,
                data={
                    "learner": "reader@example.org",
                    "evidence[0][url]": "https://blog.example.org/my-books",
                    "evidence[0][mediaType]": "link",
                    "evidence[0][reflection]": "My reading log",
                    "evidence[1][reflection]": "The five books on my shelf",
                },
                files={"evidence[1][file]": ("shelf.png", png_bytes(10, 20, 30), "image/png")},
            ),
            "application",
        )
        photo = application["evidence"][1]["url"]
        assert photo.startswith(f"{live_server}/public/images/")
        assert (await delivery_http.get(photo)).content == png_bytes(10, 20, 30)
        path = f"{applications}/{application['slug']}"

        # A reviewer takes it and approves every required criterion.
        assigned = await site.put(
            path, json={"assignedTo": "rita@library.example.org", "assignedExpiration": 4102444800}
        )
        assert assigned.status_code == 200, assigned.text
        pending = await site.get("/systems/chicago/applications?processed=false")
        assert [item["slug"] for item in pending.json()["applications"]] == [application["slug"]]
        required, also_required, optional = (criterion["id"] for criterion in badge["criteria"])
        review = await created(
            await site.post(
                f"{path}/reviews",
                json={
                    "author": "rita@library.example.org",
                    "comment": "Lovely log, well done.",
                    "reviewItems": [
                        {"criterionId": required, "satisfied": True, "comment": "Five indeed"},
                        {"criterionId": also_required, "satisfied": 1, "comment": "Thoughtful"},
                        {"criterionId": optional, "satisfied": False, "comment": None},
                    ],
                },
            ),
            "review",
        )

        # The issuer's site hears about it, signed with the webhook's secret.
        assert await deliver(app, delivery_http) == 1
        [call] = receiver.calls
        claims = verified_claims(call, webhook["secret"])
        assert claims["jti"] == call.event_id
        event = call.json()
        assert event["action"] == "review"
        assert event["approved"] is True
        assert event["review"] == review
        assert event["application"]["slug"] == application["slug"]
        assert event["application"]["learner"] == "reader@example.org"
        assert event["application"]["assignedTo"] == "rita@library.example.org"
        assert event["application"]["evidence"] == application["evidence"]
        assert event["application"]["badge"] == badge

        # Approval issued nothing: the site now awards the badge and closes the application.
        issue = await site.post(
            f"{PROGRAM}/badges/{badge['slug']}/instances",
            json={"email": event["application"]["learner"], "comment": "Approved by review"},
        )
        instance = await created(issue, "instance")
        assert instance["email"] == "reader@example.org"
        processed = await site.put(path, json={"processed": instance["issuedOn"]})
        assert processed.status_code == 200, processed.text
        assert processed.json()["application"]["processed"] == instance["issuedOn"]

        assert await deliver(app, delivery_http) == 1
        award = receiver.calls[-1].json()
        assert (award["action"], award["email"]) == ("award", "reader@example.org")
        done = await site.get("/systems/chicago/applications?processed=true")
        assert [item["slug"] for item in done.json()["applications"]] == [application["slug"]]
        assert (await site.get("/systems/chicago/applications?processed=false")).json() == {
            "applications": []
        }
