"""Export a system, import it into an empty database of another kind (and of the same
kind), and every answer is the one the source gave: public documents, baked images,
images, signed listings; secrets still sign and verify; the server goes on creating rows."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.config import Settings
from badgekit_api.main import create_app
from badgekit_api.models import Consumer, Webhook
from badgekit_api.portability.records import RECORD_TYPES, SYSTEMS
from tests.factories.badges import create_badge
from tests.factories.instances import award
from tests.live_server import TEST_SETTINGS
from tests.portability.databases import NEXT_KIND, empty_database
from tests.portability.seed import EARNER, public_urls, seed, signed_urls
from tests.support import AS_ON_A_TERMINAL, TEST_SECRET, make_client, on_screen, run_cli


def _cli_env(database_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "MASTER_SECRET": TEST_SECRET}


async def _answers(client: httpx.AsyncClient, urls: list[str]) -> dict[str, Any]:
    answers = {}
    for url in urls:
        response = await client.get(url)
        body = (
            response.json()
            if "json" in response.headers.get("content-type", "")
            else response.content
        )
        answers[url] = (response.status_code, response.headers.get("content-type"), body)
    return answers


@pytest.fixture(params=["other kind", "same kind"])
async def target(
    request: pytest.FixtureRequest, engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[FastAPI]:
    kind = engine.dialect.name
    if request.param == "other kind":
        kind = NEXT_KIND[kind]
    async with empty_database(kind, tmp_path) as url:
        application = create_app(
            Settings(
                database_url=url, master_secret=TEST_SECRET, webhook_worker=False, **TEST_SETTINGS
            )
        )
        yield application
        await application.state.engine.dispose()


@dataclass(frozen=True)
class Moved:
    exported: bytes  # the file
    export_shown: str  # what each command showed on its standard error
    import_shown: str


def _summary_table(shown: str) -> list[tuple[str, int]]:
    """The `records | count` rows of a command's summary table, in order."""
    rows = re.findall(r"^│ (\w+) +│ (\d+) +│$", on_screen(shown), re.MULTILINE)
    return [(name, int(count)) for name, count in rows]


async def _move(settings: Settings, target: FastAPI, tmp_path: Path) -> Moved:
    out = tmp_path / "chicago.jsonl"
    exported = run_cli(
        "export", "--system", "chicago", "--out", str(out), env=_cli_env(settings.database_url)
    )
    assert exported.code == 0, exported.stderr
    imported = run_cli(
        "import",
        str(out),
        env={
            **_cli_env(str(target.state.engine.url.render_as_string(hide_password=False))),
            **AS_ON_A_TERMINAL,
        },
    )
    assert imported.code == 0, imported.stderr
    assert "Imported system `chicago`." in imported.output
    return Moved(out.read_bytes(), exported.stderr, imported.stderr)


async def _secrets(app: FastAPI) -> list[Any]:
    async with app.state.session_factory() as session:
        consumers = (await session.execute(select(Consumer.key, Consumer.secret))).all()
        webhooks = (await session.execute(select(Webhook.url, Webhook.secret))).all()
    return [tuple(row) for row in [*consumers, *webhooks]]


async def _system_rows(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every exported table that belongs to chicago, column for column."""
    rows = {}
    async with engine.connect() as connection:
        system = await connection.scalar(select(SYSTEMS.c.id).where(SYSTEMS.c.slug == "chicago"))
        for kind in RECORD_TYPES:
            table = kind.table
            statement = select(table).where(kind.owned(system)).order_by(*table.primary_key)
            rows[kind.name] = [tuple(row) for row in await connection.execute(statement)]
    return rows


async def test_every_answer_survives_the_move(
    client: httpx.AsyncClient,
    anon: httpx.AsyncClient,
    app: FastAPI,
    settings: Settings,
    target: FastAPI,
    tmp_path: Path,
) -> None:
    seeded = await seed(client, app)
    before_public = await _answers(anon, public_urls(seeded))
    before_signed = await _answers(client, signed_urls())
    # What is compared is the documents themselves, not a row of 404s.
    assert {status for status, _, _ in before_signed.values()} == {200}
    assert {status for status, _, _ in before_public.values()} == {200, 404, 410}
    # (404: the baked image of a badge whose image is a link.)
    assert {body["code"] for status, _, body in before_public.values() if status == 404} == {
        "ImageNotBakeable"
    }

    moved_file = await _move(settings, target, tmp_path)
    exported = moved_file.exported

    async with make_client(target, key=None) as moved_anon, make_client(target) as moved:
        assert await _answers(moved_anon, public_urls(seeded)) == before_public
        assert await _answers(moved, signed_urls()) == before_signed
        assert await _secrets(target) == await _secrets(app)
        # Every column of every row, whatever the API shows of it.
        before_rows = await _system_rows(app.state.engine)
        assert all(before_rows.values()), "the seed makes rows of every type"
        assert await _system_rows(target.state.engine) == before_rows
        # Every record type was exported; only chicago came across.
        types = {orjson.loads(line)["type"] for line in exported.splitlines()}
        assert types == {"export"} | {kind.name for kind in RECORD_TYPES}
        # Both commands end with a table of the records per type, which are the file's and
        # the database's; the import draws its progress bar up to the file's size.
        in_file = Counter(orjson.loads(line)["type"] for line in exported.splitlines()[1:])
        per_type = [(kind.name, len(before_rows[kind.name])) for kind in RECORD_TYPES]
        assert [(name, in_file[name]) for name, _ in per_type] == per_type
        assert _summary_table(moved_file.export_shown) == per_type
        assert _summary_table(moved_file.import_shown) == per_type
        bars = re.findall(
            r"importing [^\r\n]*?([\d.]+)/([\d.]+) kB", on_screen(moved_file.import_shown)
        )
        assert bars, moved_file.import_shown
        assert bars[-1][0] == bars[-1][1] == f"{len(exported) / 1000:.1f}"
        assert b"zurich" not in exported and b"alpine" not in exported
        assert (await moved.get("/systems/zurich")).status_code == 404
        # The consumer key signs requests on the new database.
        key, secret = seeded.consumer
        async with make_client(target, key=key, secret=secret) as consumer:
            assert (await consumer.get("/systems/chicago/badges")).status_code == 200
        # New rows get new ids (PostgreSQL's sequences were moved past the imported ids).
        await create_badge(moved, slug="after-the-move")
        instance = await award(moved, badge="after-the-move", email=EARNER)
        assert instance["slug"] not in seeded.assertions
        listed = (await moved.get("/systems/chicago/badges")).json()["badges"]
        assert len({item["id"] for item in listed}) == len(listed)
