"""The import is safe on a real database: a rerun changes nothing, an interrupted run
completes when run again, a dry run writes nothing, and every row the target cannot take
as it is comes out in the report with its rule."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.models import ImportedRow
from tests.importing.support import (
    imported_instances,
    original_assertion,
    prepare_target,
    run_import,
    snapshot,
)


class Interrupt(Exception):
    pass


class StopAfter:
    """Progress that interrupts the import after `batches` batches (as a kill would)."""

    def __init__(self, batches: int) -> None:
        self.left = batches

    def start(self, table: str, total: int) -> None:
        pass

    def advance(self, table: str, rows: int) -> None:
        self.left -= 1
        if self.left == 0:
            raise Interrupt


async def _assertions(anon: httpx.AsyncClient) -> None:
    for instance in imported_instances():
        document = (await anon.get(f"/public/assertions/{instance['slug']}")).json()
        expected = original_assertion(instance)
        assert {key: document.get(key) for key in expected} == expected


async def test_a_second_run_changes_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine, legacy_url: str
) -> None:
    await prepare_target(client)
    first = await run_import(legacy_url, engine)
    before = await snapshot(engine)
    second = await run_import(legacy_url, engine)
    assert await snapshot(engine) == before
    for name, table in second.tables.items():
        assert table.imported == 0, name
        assert table.skips == first.tables[name].skips, name
        if name != "images":  # images come with their owners, counted there
            assert table.already == first.tables[name].imported, name


@pytest.mark.parametrize("batches", [1, 5, 12])
async def test_an_interrupted_run_completes_when_run_again(
    client: httpx.AsyncClient,
    anon: httpx.AsyncClient,
    engine: AsyncEngine,
    legacy_url: str,
    batches: int,
) -> None:
    await prepare_target(client)
    with pytest.raises(Interrupt):
        await run_import(legacy_url, engine, batch_size=2, progress=StopAfter(batches))
    async with engine.connect() as connection:
        partial = await connection.scalar(select(func.count()).select_from(ImportedRow))
    rest = await run_import(legacy_url, engine, batch_size=3)
    assert sum(t.already for t in rest.tables.values()) == partial
    assert rest.tables["badgeInstances"].imported + rest.tables["badgeInstances"].already == 12
    await _assertions(anon)
    # Complete now: one more run finds everything there.
    last = await run_import(legacy_url, engine)
    assert sum(t.imported for t in last.tables.values()) == 0


async def test_a_dry_run_writes_nothing_and_reports_what_a_run_would_do(
    client: httpx.AsyncClient, engine: AsyncEngine, legacy_url: str
) -> None:
    await prepare_target(client)
    before = await snapshot(engine)
    dry = await run_import(legacy_url, engine, dry_run=True)
    assert await snapshot(engine) == before
    real = await run_import(legacy_url, engine)
    assert dry.as_json() == real.as_json()


async def test_every_oddity_is_listed_with_its_rule(
    client: httpx.AsyncClient, engine: AsyncEngine, legacy_url: str
) -> None:
    await prepare_target(client)
    report = (await run_import(legacy_url, engine)).as_json()

    def skipped(table: str) -> dict[int, str]:
        return {i: rule for rule, ids in report[table]["skipped"].items() for i in ids}

    def kept(table: str) -> dict[int, list[str]]:
        rules: dict[int, list[str]] = {}
        for rule, ids in report[table]["keptWithFallback"].items():
            for i in ids:
                rules.setdefault(i, []).append(rule)
        return rules

    assert set(skipped("systems")) == {3}  # slug too long
    assert "merged" in kept("systems")[4][0]  # pittsburgh was in the target already
    assert set(skipped("issuers")) == {3} and set(skipped("programs")) == {2}  # dangling
    assert set(skipped("badges")) == {6}
    badges = kept("badges")
    assert any("renamed to `pgh-badge-2`" in rule for rule in badges[8])
    assert any("levels disagree" in rule for rule in badges[5])
    assert any("issuer's level" in rule for rule in badges[10])
    assert any("0000-00-00" in rule for rule in badges[3])
    assert any("image 99 missing" in rule for rule in badges[9])
    instances_skipped = skipped("badgeInstances")
    assert set(instances_skipped) == {6, 7, 11}
    assert "longer than 64" in instances_skipped[6]
    assert "another assertion" in instances_skipped[7]
    instances = kept("badgeInstances")
    assert any("recipient hash kept" in rule for rule in instances[2])  # mixed case
    assert any("issuedOn is 0000-00-00" in rule for rule in instances[3])
    assert any("expires is 0000-00-00" in rule for rule in instances[4])
    assert any("refused by the validator" in rule for rule in instances[5])
    images_kept, images_skipped = kept("images"), skipped("images")
    assert any("its url kept" in rule for rule in images_kept[3])  # html bytes, has a url
    assert any("not a PNG" in rule for rule in images_kept[4])  # junk bytes, no url
    assert any("copy" in rule for rule in images_kept[1])  # shown by chicago and nyc-parks
    assert set(images_skipped) == {8}  # shown by nobody
    assert set(skipped("claimCodes")) == {4}
    assert set(skipped("alignments")) == {2}
    assert set(skipped("milestones")) == {3} and set(skipped("milestoneBadges")) == {4}
    assert set(skipped("applications")) == {3} and 4 in kept("applications")
    assert set(skipped("evidence")) == {3} and set(skipped("reviews")) == {3}
    assert set(skipped("reviewItems")) == {3}
    assert set(skipped("webhooks")) == {2} and set(skipped("consumers")) == {2}
