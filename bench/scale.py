"""`python -m bench.scale`: the scenarios on a large PostgreSQL database.

100,000 badges (3 criteria, 2 tags, a category and an alignment each) and 1,000,000
instances are written straight into the tables with COPY (the API would take hours),
then the hot queries are EXPLAIN ANALYZEd and the scenarios run as in `python -m bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

from badgekit_api.badges.queries import BADGE_PAGE, ONE_BADGE
from badgekit_api.instances.queries import EARNER_INSTANCES
from badgekit_api.openbadges.service import ASSERTION_FACTS
from badgekit_api.scopes.start import start_statement
from bench import __main__ as bench
from bench import report
from bench.seed import DOMAIN, SYSTEM, Seeded, SeededBadge, earner_email
from bench.servers import ROOT, migrate

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bk_bench_scale"
ISSUERS, PROGRAMS_PER_ISSUER = 4, 2
CLAIM_CODES = 500


def _dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _copy(
    connection: asyncpg.Connection, table: str, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    await connection.copy_records_to_table(table, records=rows, columns=columns)


async def load(url: str, badges: int, instances: int) -> Seeded:
    """Fill the (migrated, empty) database and describe what is in it."""
    now = datetime.now(UTC).replace(tzinfo=None)
    connection = await asyncpg.connect(_dsn(url))
    seeded = Seeded()
    try:
        system_id = await connection.fetchval(
            "INSERT INTO systems (slug, name, url, created_at) VALUES ($1, $2, $3, $4) "
            "RETURNING id",
            SYSTEM,
            "Bench",
            f"https://{DOMAIN}",
            now,
        )
        containers: list[tuple[str, int | None, int | None]] = [(f"/systems/{SYSTEM}", None, None)]
        for issuer in range(1, ISSUERS + 1):
            issuer_id = await connection.fetchval(
                "INSERT INTO issuers (system_id, slug, name, url, created_at) "
                "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                system_id,
                f"issuer-{issuer}",
                f"Issuer {issuer}",
                f"https://{DOMAIN}",
                now,
            )
            issuer_path = f"/systems/{SYSTEM}/issuers/issuer-{issuer}"
            containers.append((issuer_path, issuer_id, None))
            for program in range(1, PROGRAMS_PER_ISSUER + 1):
                program_id = await connection.fetchval(
                    "INSERT INTO programs (issuer_id, slug, name, url, created_at) "
                    "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    issuer_id,
                    f"program-{issuer}-{program}",
                    f"Program {issuer}.{program}",
                    f"https://{DOMAIN}",
                    now,
                )
                containers.append(
                    (f"{issuer_path}/programs/program-{issuer}-{program}", issuer_id, program_id)
                )
        first_image = await connection.fetchval("SELECT coalesce(max(id), 0) + 1 FROM images")
        await _copy(
            connection,
            "images",
            ["id", "slug", "url", "created_at"],
            [
                (first_image + index, secrets.token_hex(16), f"https://{DOMAIN}/{index}.png", now)
                for index in range(badges)
            ],
        )
        first_badge = await connection.fetchval("SELECT coalesce(max(id), 0) + 1 FROM badges")
        badge_rows = []
        for index in range(badges):
            path, issuer_id, program_id = containers[index % len(containers)]
            slug = f"badge-{index:06d}"
            seeded.badges.append(SeededBadge(slug, path))
            badge_rows.append(
                (first_badge + index, system_id, issuer_id, program_id, slug, f"Badge {index}")
                + ("Earner text", "Consumer text", f"https://{DOMAIN}/criteria/{index}")
                + (False, "skill", False, first_image + index, now)
            )
        await _copy(
            connection,
            "badges",
            ["id", "system_id", "issuer_id", "program_id", "slug", "name"]
            + ["earner_description", "consumer_description", "criteria_url"]
            + ["unique", "type", "archived", "image_id", "created_at"],
            badge_rows,
        )
        badge_ids = range(first_badge, first_badge + badges)
        await _copy(
            connection,
            "badge_criteria",
            ["badge_id", "description", "required"],
            [(badge, f"Criterion {n}", n < 2) for badge in badge_ids for n in range(3)],
        )
        await _copy(
            connection,
            "badge_tags",
            ["badge_id", "value"],
            [(badge, tag) for badge in badge_ids for tag in ("bench", f"tag-{badge % 10}")],
        )
        categories = [(badge, "science") for badge in badge_ids]
        await _copy(connection, "badge_categories", ["badge_id", "value"], categories)
        await _copy(
            connection,
            "badge_alignments",
            ["badge_id", "name", "url"],
            [(badge, "Standard 1", f"https://{DOMAIN}/standards/1") for badge in badge_ids],
        )
        earners = max(1, instances // 5)
        seeded.earners = [earner_email(index) for index in range(earners)]
        per_badge = max(1, instances // badges)
        instance_rows = []
        for index in range(instances):
            badge = index // per_badge % badges
            uid = secrets.token_hex(16)
            if index % 200 == 0:
                seeded.assertion_uids.append(uid)
            email = seeded.earners[(badge * per_badge + index % per_badge) % earners]
            instance_rows.append(
                (uid, first_badge + badge, email, now, secrets.token_hex(8), True, now)
            )
        await _copy(
            connection,
            "badge_instances",
            ["slug", "badge_id", "email", "issued_on", "salt", "live", "created_at"],
            instance_rows,
        )
        await _copy(
            connection,
            "claim_codes",
            ["system_id", "badge_id", "code", "claimed", "multiuse", "created_at"],
            [
                (system_id, first_badge + index % badges, f"claim-{index:06d}", False, False, now)
                for index in range(CLAIM_CODES)
            ],
        )
        seeded.claim_codes = [
            (seeded.badges[index % badges], f"claim-{index:06d}") for index in range(CLAIM_CODES)
        ]
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return seeded


# The statements the hot endpoints run: the server's own (hand-written copies once hid that
# an earner's instances read every badge first), with the parameters they run with.
def hot_statements(seeded: Seeded) -> dict[str, tuple[Any, dict[str, Any]]]:
    middle = seeded.badges[len(seeded.badges) // 2].slug
    uid = seeded.assertion_uids[len(seeded.assertion_uids) // 2]
    email = seeded.earners[len(seeded.earners) // 2]
    common = {"system_slug": SYSTEM, "origin": "http://127.0.0.1", "now": datetime.now(UTC)}
    last_offset = (len(seeded.badges) // 50 - 1) * 50
    return {
        # Every signed request under a container starts with its containers.
        "containers": (start_statement(0, False, None), common),
        "one badge": (start_statement(0, False, ONE_BADGE), {**common, "badge_slug": middle}),
        "badge list, first page": (
            start_statement(0, False, BADGE_PAGE, (False, True)),
            {**common, "limit": 50, "offset": 0},
        ),
        "badge list, last page": (
            start_statement(0, False, BADGE_PAGE, (False, True)),
            {**common, "limit": 50, "offset": last_offset},
        ),
        "public assertion": (
            start_statement(-1, False, ASSERTION_FACTS, True),
            {"uid": uid, "origin": common["origin"], "now": common["now"]},
        ),
        "an earner's instances": (
            start_statement(0, False, EARNER_INSTANCES, False),
            {**common, "earner": email},
        ),
    }


def hot_queries(seeded: Seeded, system_id: int) -> dict[str, str]:
    """The hot statements with their parameters inlined, for EXPLAIN."""
    queries = {
        name: _inlined(statement, params)
        for name, (statement, params) in hot_statements(seeded).items()
    }
    middle = seeded.badges[len(seeded.badges) // 2].slug
    email = seeded.earners[len(seeded.earners) // 2]
    # The award's holder check, as `instances/awarding.py` words it.
    queries["award: does the earner hold it"] = (
        "SELECT * FROM badge_instances WHERE badge_id = "
        f"(SELECT id FROM badges WHERE system_id = {system_id} AND slug = '{middle}') "
        f"AND email IN ('{email}') AND live IS true"
    )
    return queries


def _inlined(statement: Any, params: dict[str, Any]) -> str:
    compiled = statement.params(**params).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


async def explain(url: str, seeded: Seeded) -> dict[str, str]:
    connection = await asyncpg.connect(_dsn(url))
    plans: dict[str, str] = {}
    try:
        system_id = await connection.fetchval("SELECT id FROM systems WHERE slug = $1", SYSTEM)
        for name, sql in hot_queries(seeded, system_id).items():
            rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plans[name] = "\n".join(row[0] for row in rows)
    finally:
        await connection.close()
    return plans


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--postgres-url", default=DEFAULT_URL, help="(re)created fresh")
    parser.add_argument("--badges", type=int, default=100_000)
    parser.add_argument("--instances", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    own, rest = parser.parse_known_args(argv)
    options = bench.parse_args(["--databases", "postgres", "--out", str(own.out), *rest])
    bench.describe_machine()
    url = await bench.fresh_postgres(own.postgres_url)
    migrate(url, bench.server_env())
    bench.log(f"scale: loading {own.badges:,} badges and {own.instances:,} instances")
    seeded = await load(url, own.badges, own.instances)
    plans = await explain(url, seeded)
    bench.log("scale: running the scenarios")

    async def preloaded(_url: str) -> Seeded:
        return seeded

    with tempfile.TemporaryDirectory(prefix="badgekit-bench-scale-") as work:
        result = await bench.run_database("postgres", url, options, Path(work), preloaded)
    own.out.mkdir(parents=True, exist_ok=True)
    output = {"machine": bench.MACHINE, "badges": own.badges, "instances": own.instances}
    output |= {"result": result, "explain": plans}
    (own.out / "scale.json").write_text(json.dumps(output, indent=2, default=str) + "\n")
    title = f"postgres, {own.badges:,} badges, {own.instances:,} instances"
    text = report.markdown(title, result)
    text += "".join(f"\n#### {name}\n\n```\n{plan}\n```\n" for name, plan in plans.items())
    (own.out / "scale.md").write_text(text)
    print(text)  # noqa: T201


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
