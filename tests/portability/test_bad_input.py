"""An export that is not one, or not whole, is refused with the line and the reason, and the
target database is left as it was (the import is one transaction)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from badgekit_api.migrations.runner import upgrade
from badgekit_api.models import Base
from badgekit_api.portability.exporting import export_system
from badgekit_api.portability.importing import ImportFailed, import_file
from badgekit_api.portability.validation import BadLine
from tests.portability.databases import empty_database
from tests.portability.seed import seed
from tests.support import TEST_SECRET, run_cli

Lines = list[bytes]


def _find(lines: Lines, kind: str) -> int:
    """The index of the first line of record type `kind`."""
    return next(i for i, line in enumerate(lines) if orjson.loads(line)["type"] == kind)


def _change(kind: str, **fields: object) -> Callable[[Lines], tuple[Lines, int]]:
    def change(lines: Lines) -> tuple[Lines, int]:
        index = _find(lines, kind)
        record = orjson.loads(lines[index])
        for name, value in fields.items():
            if value is KeyError:
                del record["row"][name]
            else:
                record["row"][name] = value
        lines[index] = orjson.dumps(record)
        return lines, index + 1

    return change


def _replace(kind: str, text: bytes) -> Callable[[Lines], tuple[Lines, int]]:
    def replace(lines: Lines) -> tuple[Lines, int]:
        index = _find(lines, kind)
        lines[index] = text
        return lines, index + 1

    return replace


def _last_line_broken(lines: Lines) -> tuple[Lines, int]:
    # Every batch before it was written already: all of it must go back.
    lines.append(b'{"type": "consumer", "row": {}}')
    return lines, len(lines)


def _twice(lines: Lines) -> tuple[Lines, int]:
    index = _find(lines, "badge")
    lines.insert(index + 1, lines[index])
    return lines, index + 2


CASES = {
    "not JSON": (_replace("badge", b"{not json"), "not JSON"),
    "not an object": (_replace("badge", b"[1, 2]"), "a record must be a JSON object"),
    "unknown type": (_replace("badge", b'{"type": "badger", "row": {}}'), "unknown record type"),
    "missing field": (_change("badge", slug=KeyError), "badge: field `slug` is missing"),
    "unknown field": (_change("badge", colour="red"), "badge: unknown field(s) colour"),
    "bad date": (_change("instance", issued_on="yesterday"), "`issued_on` must be an ISO 8601"),
    "bad bytes": (_change("image", data="***"), "image: `data` must be base64"),
    "too long": (_change("badge", slug="x" * 256), "`slug` must be at most 255 characters"),
    "wrong type": (_change("badge", unique="yes"), "`unique` must be true or false"),
    "null": (_change("instance", salt=None), "`salt` must not be null"),
    "NUL": (_change("badge", name="a\x00b"), "`name` must not contain NUL characters"),
    "dangling": (
        _change("instance", badge_id=987654),
        "instance: `badge_id` names badge 987654, which no earlier line holds",
    ),
    "twice": (_twice, "appears twice"),
    "last line": (_last_line_broken, "consumer: field `key` is missing"),
}


@pytest.fixture
async def exported(client: httpx.AsyncClient, app: FastAPI, engine: AsyncEngine) -> Lines:
    await seed(client, app)
    out = io.BytesIO()
    await export_system(engine, "chicago", out)
    return out.getvalue().splitlines()


async def _rows(target: AsyncEngine) -> int:
    async with target.connect() as connection:
        counts = [
            await connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        ]
    return sum(counts)


async def test_bad_lines_are_refused_by_number(
    exported: Lines, engine: AsyncEngine, tmp_path: Path
) -> None:
    async with empty_database(engine.dialect.name, tmp_path) as url:
        target = create_async_engine(url)
        try:
            await upgrade(target)
            for name, (spoil, message) in CASES.items():
                lines, number = spoil(list(exported))
                with pytest.raises(BadLine) as refused:
                    await import_file(target, io.BytesIO(b"\n".join(lines)))
                assert refused.value.line == number, name
                assert str(refused.value).startswith(f"line {number}: "), name
                assert message in str(refused.value), name
                assert await _rows(target) == 0, name

            # The header comes first and says what the file is.
            not_an_export = b"\n".join(exported[1:])
            with pytest.raises(BadLine, match="line 1: not a badgekit-api-export file"):
                await import_file(target, io.BytesIO(not_an_export))

            # Whole, it goes in once; the second time the system is there already.
            await import_file(target, io.BytesIO(b"\n".join(exported)))
            imported = await _rows(target)
            with pytest.raises(ImportFailed, match="already has a system `chicago`"):
                await import_file(target, io.BytesIO(b"\n".join(exported)))
            assert await _rows(target) == imported

            # Under another name, its rows' ids are taken: refused, naming the lines.
            renamed = [line.replace(b'"chicago"', b'"chicago-copy"') for line in exported]
            with pytest.raises(ImportFailed, match=r"lines? 2(-\d+)? \(image records\)"):
                await import_file(target, io.BytesIO(b"\n".join(renamed)))
            assert await _rows(target) == imported
        finally:
            await target.dispose()


async def test_the_command_names_the_line(
    exported: Lines, engine: AsyncEngine, tmp_path: Path
) -> None:
    lines, number = _change("instance", issued_on="yesterday")(list(exported))
    spoiled = tmp_path / "spoiled.jsonl"
    spoiled.write_bytes(b"\n".join(lines))
    async with empty_database(engine.dialect.name, tmp_path) as url:
        done = run_cli(
            "import", str(spoiled), env={"DATABASE_URL": url, "MASTER_SECRET": TEST_SECRET}
        )
    assert done.code == 1
    assert (
        f"Nothing was imported: line {number}: instance: `issued_on` must be an ISO 8601"
        in done.stderr
    )


async def test_exporting_an_unknown_system_writes_nothing(app: FastAPI, tmp_path: Path) -> None:
    out = tmp_path / "nowhere.jsonl"
    url = app.state.engine.url.render_as_string(hide_password=False)
    done = run_cli(
        "export",
        "--system",
        "nowhere",
        "--out",
        str(out),
        env={"DATABASE_URL": url, "MASTER_SECRET": TEST_SECRET},
    )
    assert done.code == 1
    assert "Could not find system `nowhere`" in done.stderr
    assert list(tmp_path.iterdir()) == []
