"""What the original served for the rows of `legacy_rows`, worked out from the rows alone,
and helpers to import them and to compare the target before and after."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from badgekit_api.importing.report import Report
from badgekit_api.importing.run import Options, Progress, import_original
from badgekit_api.models import Base
from tests.importing.legacy_rows import ROWS, ZERO
from tests.support import BASE_URL

SOURCE_NAME = "h3_legacy"
CHICAGO = "/systems/chicago"
LIBRARY = f"{CHICAGO}/issuers/chicago-library"
TEEN = f"{LIBRARY}/programs/teen-coding"
# Where each imported badge lives: the container of its deepest imported id.
BADGE_PATHS = {
    1: f"{CHICAGO}/badges/python-basics",
    2: f"{LIBRARY}/badges/library-explorer",
    3: f"{TEEN}/badges/teen-coder",
    4: f"{TEEN}/badges/hand-written",
    5: f"{TEEN}/badges/mismatch",  # its issuerId names the museum: the program wins
    7: "/systems/nyc/badges/nyc-explorer",
    8: "/systems/pittsburgh/badges/pgh-badge-2",  # the target's pittsburgh has a pgh-badge
    9: f"{CHICAGO}/badges/archived-one",
    10: f"{LIBRARY}/badges/dangling-program",  # its program was not imported
}
SKIPPED_INSTANCES = {6: "slug longer than 64", 7: "slug taken in the target", 11: "lost badge"}


def unix(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def legacy(table: str, id_: int) -> dict[str, Any]:
    return next(row for row in ROWS[table] if row["id"] == id_)


def imported_instances() -> list[dict[str, Any]]:
    return [row for row in ROWS["badgeInstances"] if row["id"] not in SKIPPED_INSTANCES]


def original_assertion(instance: dict[str, Any]) -> dict[str, Any]:
    """The OB 1.0 assertion the original served for this row, under our origin."""
    issued = instance["issuedOn"]
    if issued == ZERO:  # the rule: the badge's creation time
        issued = legacy("badges", instance["badgeId"])["created"]
    document = {
        "uid": instance["slug"],
        "recipient": {
            "identity": "sha256$" + hashlib.sha256(instance["email"].encode()).hexdigest(),
            "type": "email",
            "hashed": True,
        },
        "badge": f"{BASE_URL}/public{BADGE_PATHS[instance['badgeId']]}",
        "verify": {"type": "hosted", "url": f"{BASE_URL}/public/assertions/{instance['slug']}"},
        "issuedOn": unix(issued),
    }
    if instance["expires"] not in (None, ZERO):
        document["expires"] = unix(instance["expires"])
    return document


async def prepare_target(client: httpx.AsyncClient) -> None:
    """What the target holds before the import: a system `pittsburgh` (the original has
    one too), its badge `pgh-badge` and an assertion whose slug an original one has."""
    system = {"slug": "pittsburgh", "name": "Pittsburgh", "url": "https://pgh.example.org"}
    assert (await client.post("/systems", json=system)).status_code == 201
    badge = {
        "slug": "pgh-badge",
        "name": "PGH",
        "type": "skill",
        "unique": False,
        "earnerDescription": "e",
        "consumerDescription": "c",
        "criteriaUrl": "https://pgh.example.org/c",
        "imageUrl": "https://pgh.example.org/i.png",
    }
    response = await client.post("/systems/pittsburgh/badges", json=badge)
    assert response.status_code == 201, response.text
    award = {"email": "first@example.org", "slug": "taken-slug"}
    response = await client.post("/systems/pittsburgh/badges/pgh-badge/instances", json=award)
    assert response.status_code == 201


async def run_import(
    source_url: str,
    engine: AsyncEngine,
    *,
    dry_run: bool = False,
    batch_size: int = 4,
    progress: Progress | None = None,
) -> Report:
    options = Options(source_name=SOURCE_NAME, batch_size=batch_size, dry_run=dry_run)
    return await import_original(source_url, engine, options, progress)


async def snapshot(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    rows = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            result = await connection.execute(select(table))
            rows[table.name] = sorted((tuple(map(repr, row)) for row in result), key=repr)
    return rows
