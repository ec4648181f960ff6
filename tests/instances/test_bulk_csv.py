"""Bulk awards from a spreadsheet: `POST .../instances/bulk` with a `text/csv` body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.config import Settings
from badgekit_api.instances.service import CSV_BATCH
from tests.factories.badges import LEVELS, create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import (
    award,
    create_milestone,
    event_payloads,
    instances_url,
    listen_to_events,
    stored_instances,
)
from tests.support import count_queries

CSV = {"Content-Type": "text/csv"}


@pytest.fixture(autouse=True)
async def tree(client: httpx.AsyncClient) -> None:
    await create_tree(client)
    await listen_to_events(client)


@pytest.fixture
def max_two_rows(settings: Settings) -> Iterator[None]:
    before = settings.max_bulk_csv_rows
    settings.max_bulk_csv_rows = 2
    yield
    settings.max_bulk_csv_rows = before


async def post_csv(
    client: httpx.AsyncClient, text: str, level: str = "system", query: str = ""
) -> httpx.Response:
    return await client.post(f"{instances_url(level)}/bulk{query}", content=text, headers=CSV)


def by_row(body: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {result["row"]: result for result in body["rows"]}


def _skipped(row: int, email: str, held: dict[str, Any]) -> dict[str, Any]:
    """A row's result when its earner holds the badge already (`held`: that award)."""
    return {
        "row": row,
        "email": email,
        "status": "skipped",
        "slug": held["assertionUrl"].rsplit("/", 1)[-1],
        "assertionUrl": held["assertionUrl"],
    }


@pytest.mark.parametrize("level", LEVELS)
async def test_a_csv_awards_each_row_with_its_own_columns(
    client: httpx.AsyncClient, app: FastAPI, level: str
) -> None:
    await create_badge(client, level)
    text = (
        "email,issuedOn,expires,comment,evidenceUrl,evidenceNarrative\r\n"
        "Ada@Example.org,2024-05-01,2030-01-01,Summer camp,https://ex.org/ada,Built a robot\r\n"
        'bob@example.org,,,"Kept, with a comma",,\r\n'
    )
    response = await post_csv(client, text, level)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["counts"] == {"created": 2, "skipped": 0, "invalid": 0}
    rows = by_row(body)
    assert [rows[2]["email"], rows[3]["email"]] == ["ada@example.org", "bob@example.org"]
    assert rows[2]["status"] == "created"
    assert rows[2]["assertionUrl"].endswith("/public/assertions/" + rows[2]["slug"])
    shown = (await client.get(f"{instances_url(level)}/ada@example.org")).json()["instance"]
    assert shown["issuedOn"].startswith("2024-05-01")
    assert shown["expires"].startswith("2030-01-01")
    assert shown["comment"] == "Summer camp"
    assert shown["evidence"] == [{"url": "https://ex.org/ada", "narrative": "Built a robot"}]
    bob = (await client.get(f"{instances_url(level)}/bob@example.org")).json()["instance"]
    assert (bob["comment"], bob["evidence"], bob["expires"]) == ("Kept, with a comma", [], None)
    # Webhooks hear of each award, as for the JSON form.
    awarded = {payload["email"] for payload in await event_payloads(app, "award")}
    assert awarded == {"ada@example.org", "bob@example.org"}


async def test_bad_rows_are_reported_and_the_good_ones_awarded(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    held = await award(client, email="held@example.org")
    text = (
        "email,issuedOn,expires\n"
        "good@example.org,,\n"
        "not-an-email,,\n"
        "date@example.org,yesterday-ish,\n"
        "GOOD@example.org,,\n"
        "held@example.org,,\n"
        "late@example.org,2024-05-01,2020-01-01\n"
        "short@example.org\n"
    )
    response = await post_csv(client, text)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["counts"] == {"created": 1, "skipped": 1, "invalid": 5}
    rows = by_row(body)
    assert rows[2]["status"] == "created"
    assert rows[3] == {
        "row": 3,
        "email": "not-an-email",
        "status": "invalid",
        "reason": rows[3]["reason"],
    }
    assert rows[3]["reason"].startswith("email:")
    assert rows[4]["status"] == "invalid" and rows[4]["reason"].startswith("issuedOn:")
    assert rows[5] == {
        "row": 5,
        "email": "good@example.org",
        "status": "invalid",
        "reason": "Same email as row 2",
    }
    assert rows[6] == _skipped(6, "held@example.org", held)
    assert rows[7]["status"] == "invalid" and "expires" in rows[7]["reason"]
    assert rows[8]["reason"] == "Has 1 cells; the header has 3"
    assert sorted(i.email for i in await stored_instances(app)) == [
        "good@example.org",
        "held@example.org",
    ]


async def test_evidence_columns_are_checked_as_the_json_award_checks_evidence(
    client: httpx.AsyncClient,
) -> None:
    await create_badge(client)
    text = (
        "email,evidenceUrl,evidenceNarrative\n"
        "link@example.org,not a url,\n"
        "story@example.org,,Told a story\n"
    )
    rows = by_row((await post_csv(client, text)).json())

    assert rows[2]["status"] == "invalid" and rows[2]["reason"].startswith("evidenceUrl:")
    assert rows[3]["status"] == "created"
    shown = (await client.get(f"{instances_url()}/story@example.org")).json()["instance"]
    assert shown["evidence"] == [{"url": None, "narrative": "Told a story"}]


async def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    text = "email\nfine@example.org\nbroken\n"
    response = await post_csv(client, text, query="?mode=all-or-nothing")

    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "ValidationError"
    assert [(d["field"], d["value"]) for d in body["details"]] == [("row", 3)]
    assert body["details"][0]["message"].startswith("email:")
    assert await stored_instances(app) == []
    good = await post_csv(client, "email\nfine@example.org\n", query="?mode=all-or-nothing")
    assert good.status_code == 201 and good.json()["counts"]["created"] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The CSV is empty: it needs a header row naming an `email` column"),
        ("email,comment\n", "The CSV has a header but no rows"),
        ("comment\nhello\n", "The CSV header has no `email` column"),
        ("email,colour\na@example.org,red\n", "Unknown column"),
        ("email,email\na@example.org,b@example.org\n", "A column is named twice in the header"),
    ],
)
async def test_a_bad_file_is_a_400_that_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, text: str, message: str
) -> None:
    await create_badge(client)
    response = await post_csv(client, text)

    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "ValidationError"
    assert body["details"][0]["message"].startswith(message)
    assert await stored_instances(app) == []


async def test_a_file_not_in_utf8_is_a_400(client: httpx.AsyncClient) -> None:
    await create_badge(client)
    response = await client.post(
        f"{instances_url()}/bulk", content=b"email\n\xff@example.org\n", headers=CSV
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["message"] == "The CSV is not UTF-8 text"


def _long_file(filler: str, tail: bytes) -> bytes:
    """A file longer than the UTF-8 check reads at a time (64 KiB), the first row's comment
    `filler` repeated so that its characters straddle every boundary, then `tail`."""
    comment = filler * (70_000 // len(filler.encode()))
    return f"email,comment\nada@example.org,{comment}\n".encode() + tail


async def test_a_long_file_in_utf8_is_read_across_the_check_s_pieces(
    client: httpx.AsyncClient,
) -> None:
    await create_badge(client)
    for filler in ("é", "€", "😀"):  # two, three and four bytes a character
        email = f"bob-{len(filler.encode())}@example.org"
        text = _long_file(filler, f"{email},Grüße\n".encode())
        assert len(text) > 64 * 1024
        response = await client.post(f"{instances_url()}/bulk", content=text, headers=CSV)
        assert response.status_code == 201, response.text
        first, second = response.json()["rows"]
        assert first["reason"] == "comment: String should have at most 10000 characters"
        assert (second["email"], second["status"]) == (email, "created")
        shown = (await client.get(f"{instances_url()}/{email}")).json()["instance"]
        assert shown["comment"] == "Grüße"


async def test_a_long_file_with_a_bad_byte_late_or_a_character_cut_short_is_a_400(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    for tail in (b"bob@example.org,\xff\n", "bob@example.org,€".encode()[:-1]):
        response = await client.post(
            f"{instances_url()}/bulk", content=_long_file("é", tail), headers=CSV
        )
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["message"] == "The CSV is not UTF-8 text"
    assert await stored_instances(app) == []


@pytest.mark.usefixtures("max_two_rows")
async def test_more_rows_than_allowed_is_a_413_that_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    text = "email\na@example.org\nb@example.org\n\nc@example.org\n"
    response = await post_csv(client, text)

    assert response.status_code == 413
    assert response.json() == {
        "code": "PayloadTooLarge",
        "message": "The CSV has more than 2 rows",
    }
    assert await stored_instances(app) == []
    assert (await post_csv(client, "email\na@example.org\n\nb@example.org\n")).status_code == 201


async def test_the_json_form_still_refuses_a_mode_it_does_not_know(
    client: httpx.AsyncClient,
) -> None:
    await create_badge(client)
    response = await client.post(
        f"{instances_url()}/bulk?mode=sometimes", json={"emails": ["a@example.org"]}
    )
    assert response.status_code == 400


async def test_a_batch_of_rows_costs_the_statements_of_a_few(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_badge(client)

    async def statements_for(count: int, first: int) -> list[str]:
        text = "email,comment\n" + "".join(
            f"earner-{first + index}@example.org,Row {index}\n" for index in range(count)
        )
        with count_queries(engine) as counter:
            response = await post_csv(client, text)
        assert response.status_code == 201, response.text
        assert response.json()["counts"]["created"] == count
        return counter.statements

    # A file is awarded CSV_BATCH rows at a time: one batch of them costs what three rows do.
    few, many = await statements_for(3, 0), await statements_for(CSV_BATCH, 10_000)
    if engine.dialect.name == "postgresql":
        assert len(few) == len(many)
    else:  # one INSERT a row for the instances elsewhere; every other statement the same
        assert len([s for s in few if "INSERT INTO badge_instances" not in s]) == len(
            [s for s in many if "INSERT INTO badge_instances" not in s]
        )


async def test_a_csv_award_completes_milestones_as_the_json_form_does(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    support = await create_badge(client)
    primary = await create_badge(client, slug="graduate", name="Graduate")
    await create_milestone(client, primary, [support])

    response = await post_csv(client, "email\nada@example.org\n")

    assert response.status_code == 201, response.text
    held = sorted((i.badge_id, i.email) for i in await stored_instances(app))
    assert held == sorted([(support["id"], "ada@example.org"), (primary["id"], "ada@example.org")])


async def test_the_openapi_document_shows_the_csv_form(anon: httpx.AsyncClient) -> None:
    document = (await anon.get("/openapi.json")).json()
    operation = document["paths"]["/systems/{system_slug}/badges/{badge_slug}/instances/bulk"]
    content = operation["post"]["requestBody"]["content"]
    assert "application/json" in content
    assert content["text/csv"]["schema"]["type"] == "string"
    assert "mode" in {parameter["name"] for parameter in operation["post"]["parameters"]}
    email = document["components"]["schemas"]["CsvRowResult"]["properties"]["email"]
    assert {"type": "null"} in email["anyOf"]  # a row too short to reach its email


async def test_a_row_too_short_to_reach_the_email_column_is_invalid_without_an_email(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    response = await post_csv(client, "comment,email\nJust a comment\n,ada@example.org\n")
    assert response.status_code == 201, response.text
    rows = by_row(response.json())
    assert rows[2] == {
        "row": 2,
        "email": None,
        "status": "invalid",
        "reason": "Has 1 cells; the header has 2",
    }
    assert rows[3]["status"] == "created"
    assert [i.email for i in await stored_instances(app)] == ["ada@example.org"]


async def test_a_file_of_many_batches_answers_each_row_in_order(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    held = await award(client, email="earner-2345@example.org")
    count = 5 * CSV_BATCH + 123
    lines = [
        "not-an-email" if index % 97 == 0 else f"earner-{index}@example.org"
        for index in range(count)
    ]
    lines.append("EARNER-1@example.org")  # the same earner as row 3, batches earlier
    response = await post_csv(client, "email\n" + "\n".join(lines) + "\n")

    assert response.status_code == 201, response.text
    body = response.json()
    results = body["rows"]
    assert [result["row"] for result in results] == list(range(2, count + 3))
    invalid = [result["row"] for result in results if result["status"] == "invalid"]
    assert invalid == [index + 2 for index in range(0, count, 97)] + [count + 2]
    assert results[-1]["reason"] == "Same email as row 3"
    assert results[2345] == _skipped(2347, "earner-2345@example.org", held)
    created = [result for result in results if result["status"] == "created"]
    assert body["counts"] == {"created": len(created), "skipped": 1, "invalid": len(invalid)}
    assert len(created) == count - len(invalid)  # every valid row but the held earner's
    for result in created:
        assert result["email"] == lines[result["row"] - 2]
        assert result["assertionUrl"].endswith("/public/assertions/" + result["slug"])
    stored = {i.slug: i.email for i in await stored_instances(app)}
    assert {result["slug"]: result["email"] for result in created} == {
        slug: email for slug, email in stored.items() if email != held["email"]
    }


async def test_all_or_nothing_finds_a_bad_row_in_a_late_batch_and_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await create_badge(client)
    lines = [f"earner-{index}@example.org" for index in range(3 * CSV_BATCH)]
    lines[-2] = "broken"
    response = await post_csv(
        client, "email\n" + "\n".join(lines) + "\n", query="?mode=all-or-nothing"
    )

    assert response.status_code == 400, response.text
    assert [d["value"] for d in response.json()["details"]] == [3 * CSV_BATCH]
    assert response.json()["message"].startswith(f"1 of {3 * CSV_BATCH} rows are invalid")
    assert await stored_instances(app) == []
