"""How many SQL statements each hot endpoint runs: fixed numbers, whatever the data size.

These are the requests the load benchmark (bench/) hammers. A count that grows means a new
query on a hot path (or an N+1 that came back): look at `counter.statements` and either
fix it or raise the number here on purpose. The URL's containers (system, issuer,
program) are read in one statement; a token that verifies costs no statement of its own
(the failure counters are read only when a check fails).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories.badges import LEVEL_PREFIXES, badge_body, create_badge
from tests.factories.containers import create_tree
from tests.factories.instances import award
from tests.support import count_queries
from tests.webhooks.support import add_webhook

PROGRAM = LEVEL_PREFIXES["program"]
CRITERIA = [{"description": "Shows up", "required": True}, {"description": "Helps"}]


async def _statements(
    engine: AsyncEngine, send: Callable[[], Awaitable[httpx.Response]], status: int = 200
) -> int:
    with count_queries(engine) as counter:
        response = await send()
    assert response.status_code == status, response.text
    return counter.count


CONTAINERS = 1  # the URL's system, issuer and program in one statement


async def _badges(client: httpx.AsyncClient, count: int, start: int = 0) -> list[dict[str, Any]]:
    """`count` badges spread over the three levels, each with criteria, tags and a category."""
    levels = ("system", "issuer", "program")
    return [
        await create_badge(
            client,
            levels[index % 3],
            slug=f"badge-{index}",
            name=f"Badge {index}",
            criteria=CRITERIA,
            tags=["a", "b"],
            categories=["science"],
            alignments=[{"name": "Standard", "url": "https://example.org/standard"}],
        )
        for index in range(start, start + count)
    ]


async def test_health_runs_no_query(anon: httpx.AsyncClient, engine: AsyncEngine) -> None:
    assert await _statements(engine, lambda: anon.get("/")) == 0


async def test_a_badge_page_costs_the_same_for_2_or_12_badges(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    await _badges(client, 2)
    page = "/systems/chicago/badges?page=1&count=50"
    few = await _statements(engine, lambda: client.get(page))
    await _badges(client, 10, start=2)
    many = await _statements(engine, lambda: client.get(page))
    # one statement: the containers, the page's badges as JSON (their containers and lists
    # included) and the total
    assert few == many == 1


async def test_one_badge(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    # one statement: system, issuer and program, the badge with its lists as JSON
    count = await _statements(engine, lambda: client.get(f"{PROGRAM}/badges/badge-2"))
    assert count == 1


async def test_public_assertion(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    await _badges(client, 3)
    instance = await award(client, "program", "badge-2")
    uid = instance["assertionUrl"].rsplit("/", 1)[-1]
    # one statement: the instance with its badge's slugs and image, its evidence, as JSON
    assert await _statements(engine, lambda: anon.get(f"/public/assertions/{uid}")) == 1


async def test_the_badge_page_and_the_badge_class(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    await _badges(client, 3)
    instance = await award(client, "program", "badge-2")
    page = instance["assertionUrl"].replace("http://testserver", "")
    html = {"Accept": "text/html"}
    # one statement: the assertion's facts with its whole badge
    assert await _statements(engine, lambda: anon.get(page, headers=html)) == 1
    badge_class = f"/public{PROGRAM}/badges/badge-2"
    # one statement: the containers and the badge
    assert await _statements(engine, lambda: anon.get(badge_class)) == 1
    assert await _statements(engine, lambda: anon.get(f"{badge_class}?v=2")) == 1


async def test_an_earners_instances_cost_the_same_for_1_or_6_badges(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    badges = await _badges(client, 6)
    email = "earner@example.org"
    await award(client, "system", badges[0]["slug"], email)
    path = f"/systems/chicago/instances/{email}"
    one = await _statements(engine, lambda: client.get(path))
    for index, badge in enumerate(badges[1:], start=1):
        await award(client, ("system", "issuer", "program")[index % 3], badge["slug"], email)
    six = await _statements(engine, lambda: client.get(path))
    # one statement: the containers, the instances as JSON with their badges and evidence
    assert one == six == 1


async def test_award(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    count = await _statements(
        engine,
        lambda: client.post(f"{PROGRAM}/badges/badge-2/instances", json={"email": "a@example.org"}),
        201,
    )
    # the start (key, containers, the badge with what the award needs of it: whether it
    # counts towards milestones, which webhooks hear of awards), the insert (whose unique
    # constraint settles who holds it), the answer read back through the read path
    assert count == 3


async def test_claim(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    codes = f"{PROGRAM}/badges/badge-2/codes"
    assert (await client.post(codes, json={"code": "open-sesame"})).status_code == 201
    count = await _statements(
        engine,
        lambda: client.post(f"{codes}/open-sesame/claim", json={"email": "a@example.org"}),
    )
    # the start (key, containers, the badge as JSON), then one UPDATE ... RETURNING where
    # the database has it (MariaDB: find, update, read back)
    assert count == (2 if engine.dialect.update_returning else 4)


async def test_a_valid_request_never_reads_the_failure_counters(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    """The counters are read on the failure path only, even once the caller's address has
    failures to count (`anon` and `client` connect from the same address)."""
    await create_tree(client)
    await _badges(client, 3)
    codes = f"{PROGRAM}/badges/badge-2/codes"
    assert (await client.post(codes, json={"code": "open-sesame"})).status_code == 201
    earner = {"email": "a@example.org"}

    def counter_statements(statements: list[str]) -> list[str]:
        return [statement for statement in statements if "failure_counters" in statement]

    failures = [
        (lambda: anon.get("/systems"), 403),
        (lambda: client.post(f"{codes}/unknown/claim", json=earner), 404),
    ]
    for send, status in failures:
        with count_queries(engine) as counter:
            assert (await send()).status_code == status
        assert counter_statements(counter.statements)
    valid = [
        lambda: client.get("/systems"),
        lambda: client.get(f"{PROGRAM}/badges/badge-2"),
        lambda: client.post(f"{codes}/open-sesame/claim", json=earner),
    ]
    for send in valid:
        with count_queries(engine) as counter:
            response = await send()
        assert response.status_code == 200, response.text
        assert counter_statements(counter.statements) == []


async def test_submit_application(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    body = {
        "learner": "learner@example.org",
        "evidence": [{"url": "https://example.org/work", "mediaType": "link"}],
    }
    count = await _statements(
        engine, lambda: client.post(f"{PROGRAM}/badges/badge-2/applications", json=body), 201
    )
    # the start (key, containers, the badge), the application with its evidence (one
    # statement on PostgreSQL, a data-modifying CTE; two elsewhere), the answer read back
    assert count == (3 if engine.dialect.name == "postgresql" else 4)


async def test_award_with_evidence_to_a_system_with_webhooks(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    await _badges(client, 3)
    await add_webhook(client, system="chicago", url="https://receiver.example.org/hook")
    award_body = {
        "email": "a@example.org",
        "evidence": [{"url": "https://example.org/work", "narrative": "Did it"}],
    }
    count = await _statements(
        engine,
        lambda: client.post(f"{PROGRAM}/badges/badge-2/instances", json=award_body),
        201,
    )
    # the start; the instance, its evidence and its `award` event (one statement on
    # PostgreSQL, data-modifying CTEs; one per table elsewhere); the answer read back
    assert count == (3 if engine.dialect.name == "postgresql" else 5)


async def test_a_bulk_award_costs_the_same_for_3_or_30_earners(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    await _badges(client, 3)
    for _ in range(2):  # two webhooks: every award is queued for each of them
        await add_webhook(client, system="chicago", url="https://receiver.example.org/hook")
    bulk = f"{PROGRAM}/badges/badge-2/instances/bulk"

    async def statements_to_award(count: int, first: int) -> list[str]:
        emails = [f"earner-{first + index}@example.org" for index in range(count)]
        with count_queries(engine) as counter:
            response = await client.post(bulk, json={"emails": emails})
        assert response.status_code == 201, response.text
        return counter.statements

    few, many = await statements_to_award(3, 0), await statements_to_award(30, 100)
    # The instances go in one batched INSERT where the ORM can read many generated keys
    # back at once (PostgreSQL); SQLite and MySQL get one INSERT per row from it. Every
    # other statement, the webhook events' batched insert included, is the same for both.
    assert len(_without_instance_inserts(few)) == len(_without_instance_inserts(many))
    if engine.dialect.name == "postgresql":
        assert len(few) == len(many)


def _without_instance_inserts(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.lstrip().startswith("INSERT INTO badge_instances")]


async def test_hot_statements_are_compiled_once(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    """A hot request's second run compiles nothing: every statement comes from the
    compiled cache (and so, on PostgreSQL, from the connection's prepared statements)."""
    await create_tree(client)
    await _badges(client, 3)
    instance = await award(client, "program", "badge-2", "first@example.org")
    uid = instance["assertionUrl"].rsplit("/", 1)[-1]
    codes = f"{PROGRAM}/badges/badge-2/codes"
    for code in ("code-1", "code-2"):
        assert (await client.post(codes, json={"code": code, "multiuse": True})).status_code == 201
    requests: list[tuple[str, Callable[[int], Awaitable[httpx.Response]]]] = [
        ("one badge", lambda _: client.get(f"{PROGRAM}/badges/badge-2")),
        ("badge page", lambda _: client.get("/systems/chicago/badges?page=1&count=2")),
        ("earner", lambda _: client.get("/systems/chicago/instances/first@example.org")),
        ("assertion", lambda _: anon.get(f"/public/assertions/{uid}")),
        ("code list", lambda _: client.get(f"{codes}?page=1&count=1")),
        ("one code", lambda _: client.get(f"{codes}/code-1")),
        ("code lookup", lambda _: client.get("/systems/chicago/codes/code-2")),
        (
            "badge's instance",
            lambda _: client.get(f"{PROGRAM}/badges/badge-2/instances/first@example.org"),
        ),
        (
            "award",
            lambda n: client.post(
                f"{PROGRAM}/badges/badge-2/instances", json={"email": f"e{n}@example.org"}
            ),
        ),
        (
            "claim",
            lambda n: client.post(f"{codes}/code-1/claim", json={"email": f"c{n}@example.org"}),
        ),
        (
            "application",
            lambda n: client.post(
                f"{PROGRAM}/badges/badge-2/applications",
                json={"learner": f"l{n}@example.org", "evidence": [{"url": "https://e.org/w"}]},
            ),
        ),
    ]
    for name, send in requests:
        assert (await send(0)).status_code < 300, name
        with count_queries(engine) as counter:
            assert (await send(1)).status_code < 300, name
        assert counter.compiled == [], name


# --- assessment, milestones and containers: one statement per read ------------------------

APPLICATIONS = f"{PROGRAM}/badges/badge-2/applications"


async def _apply(client: httpx.AsyncClient, count: int) -> list[dict[str, Any]]:
    created = []
    for number in range(count):
        body = {
            "learner": f"learner{number}@example.org",
            "evidence": [{"url": "https://example.org/work", "mediaType": "link"}],
        }
        response = await client.post(APPLICATIONS, json=body)
        assert response.status_code == 201, response.text
        created.append(response.json()["application"])
    return created


async def test_applications_cost_one_statement_whatever_their_number(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    await _badges(client, 3)
    [first] = await _apply(client, 1)
    reads = [
        f"{APPLICATIONS}/{first['slug']}",
        f"{APPLICATIONS}?page=1&count=50",
        f"{APPLICATIONS}?processed=false&email=learner0@example.org",
        "/systems/chicago/applications?page=1&count=50&processed=any",
        "/systems/chicago/applications",
    ]
    few = [await _statements(engine, lambda path=path: client.get(path)) for path in reads]
    await _apply(client, 5)
    many = [await _statements(engine, lambda path=path: client.get(path)) for path in reads]
    # one statement: the key, the containers, the badge, the applications as JSON with
    # their badges and evidence (and the total)
    assert few == many == [1] * len(reads)


async def test_reviews_cost_one_statement(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    [application] = await _apply(client, 1)
    reviews = f"{APPLICATIONS}/{application['slug']}/reviews"
    created = await client.post(reviews, json={"author": "r@example.org", "reviewItems": []})
    assert created.status_code == 201, created.text
    review = f"{reviews}/{created.json()['review']['slug']}"
    for path in (reviews, f"{reviews}?page=1&count=10", review):
        # the key, the containers, the badge, the application and the review(s) as JSON
        assert await _statements(engine, lambda path=path: client.get(path)) == 1, path


async def test_milestones_cost_one_statement(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    badges = await _badges(client, 3)
    body = {
        "primaryBadgeId": badges[0]["id"],
        "numberRequired": 2,
        "supportBadges": [badges[1]["id"], badges[2]["id"]],
    }
    created = await client.post("/systems/chicago/milestones", json=body)
    assert created.status_code == 201, created.text
    one = f"/systems/chicago/milestones/{created.json()['milestone']['id']}"
    for path in ("/systems/chicago/milestones", "/systems/chicago/milestones?page=1&count=5", one):
        # the key, the system, the milestone(s) with their badges in full, as JSON
        assert await _statements(engine, lambda path=path: client.get(path)) == 1, path


async def test_containers_cost_one_statement(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    paths = [
        "/systems",
        "/systems?page=1&count=5",
        "/systems/chicago",
        "/systems/chicago/issuers",
        "/systems/chicago/issuers/library",
        "/systems/chicago/issuers/library/programs",
        "/systems/chicago/issuers/library/programs/readers",
    ]
    for path in paths:
        # the key, the URL's containers, the container(s) with their children as JSON
        assert await _statements(engine, lambda path=path: client.get(path)) == 1, path


async def test_assessment_and_container_writes(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await create_tree(client)
    badges = await _badges(client, 3)
    await add_webhook(client, system="chicago", url="https://receiver.example.org/hook")
    [application] = await _apply(client, 1)
    one = f"{APPLICATIONS}/{application['slug']}"
    criterion = badges[2]["criteria"][0]["id"]
    review_body = {
        "author": "r@example.org",
        "reviewItems": [{"criterionId": criterion, "satisfied": True}],
    }
    milestone_body = {
        "primaryBadgeId": badges[0]["id"],
        "numberRequired": 1,
        "supportBadges": [badges[1]["id"]],
    }
    writes = {
        "process an application": lambda: client.put(one, json={"processed": 1399379085}),
        "review": lambda: client.post(f"{one}/reviews", json=review_body),
        "milestone": lambda: client.post("/systems/chicago/milestones", json=milestone_body),
        "system": lambda: client.post(
            "/systems", json={"slug": "boston", "name": "Boston", "url": "https://b.org"}
        ),
        "rename a program": lambda: client.put(
            "/systems/chicago/issuers/library/programs/readers", json={"name": "Readers"}
        ),
    }
    counts = {}
    for name, send in writes.items():
        with count_queries(engine) as counter:
            response = await send()
        assert response.status_code < 300, (name, response.text)
        counts[name] = counter.count
    together = 1 if engine.dialect.name == "postgresql" else 2  # a row and its children
    assert counts == {
        # the start (key, containers, the application), the UPDATE, the answer read back
        "process an application": 3,
        # the start (key, containers, the application with its badge, the system's webhooks
        # that hear of reviews), the review with its items, the answer read back, the event
        "review": 2 + together + 1,
        # the start, the badges checked, the milestone, its support badges, the answer
        "milestone": 5,
        # the INSERT and the answer read back (the start has nothing to find)
        "system": 2,
        # the start (key, containers, the program), the UPDATE, the answer read back
        "rename a program": 3,
    }


async def test_assessment_milestone_and_container_reads_are_compiled_once(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    """Their second run compiles nothing (see `test_hot_statements_are_compiled_once`)."""
    await create_tree(client)
    badges = await _badges(client, 3)
    [application] = await _apply(client, 1)
    one = f"{APPLICATIONS}/{application['slug']}"
    review = await client.post(f"{one}/reviews", json={"author": "r@example.org"})
    assert review.status_code == 201, review.text
    milestone = await client.post(
        "/systems/chicago/milestones",
        json={"primaryBadgeId": badges[0]["id"], "numberRequired": 1, "supportBadges": []},
    )
    assert milestone.status_code == 201, milestone.text
    paths = [
        one,
        f"{APPLICATIONS}?page=1&count=5&processed=false",
        f"{one}/reviews/{review.json()['review']['slug']}",
        f"/systems/chicago/milestones/{milestone.json()['milestone']['id']}",
        "/systems?page=1&count=5",
        "/systems/chicago/issuers/library",
    ]
    for path in paths:
        assert (await client.get(path)).status_code == 200, path
        with count_queries(engine) as counter:
            assert (await client.get(path)).status_code == 200, path
        assert counter.compiled == [], path


async def test_claim_code_reads(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    codes = f"{PROGRAM}/badges/badge-2/codes"
    for code in ("open-sesame", "abracadabra"):
        assert (await client.post(codes, json={"code": code})).status_code == 201
    reads = [
        codes,
        f"{codes}?page=1&count=1",
        f"{codes}/open-sesame",
        f"{PROGRAM}/codes/open-sesame",
        "/systems/chicago/codes/abracadabra",
    ]
    for path in reads:
        # one statement: the key, the containers, the badge and its code(s) as JSON
        assert await _statements(engine, lambda path=path: client.get(path)) == 1, path


async def test_claim_code_writes(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    codes = f"{PROGRAM}/badges/badge-2/codes"
    # the start (the badge as JSON), the INSERT ... RETURNING the code as JSON
    create = await _statements(engine, lambda: client.post(codes, json={"code": "c"}), 201)
    assert create == 2
    # the start, whether the code is free in the system, the INSERT ... RETURNING
    random = await _statements(engine, lambda: client.post(f"{codes}/random", json={}), 201)
    assert random == 3
    # the start (the badge and the code as JSON), the DELETE
    assert await _statements(engine, lambda: client.delete(f"{codes}/c")) == 2


async def test_a_badges_instances(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    for email in ("a@example.org", "b@example.org"):
        await award(client, "program", "badge-2", email)
    instances = f"{PROGRAM}/badges/badge-2/instances"
    for path in (instances, f"{instances}?page=2&count=1", f"{instances}/A@example.org"):
        # one statement: the key, the containers, the badge and its instance(s) as JSON
        assert await _statements(engine, lambda path=path: client.get(path)) == 1, path
    revoke = await _statements(engine, lambda: client.delete(f"{instances}/a@example.org"))
    # the start (the instance and its badge as JSON), the UPDATE, which webhooks hear of
    # revocations (none: no event to insert)
    assert revoke == 3


async def test_badge_delete(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    await _badges(client, 3)
    # the start (the badge as JSON), the image's DELETE, the badge's DELETE (the database
    # deletes what hangs off it)
    assert await _statements(engine, lambda: client.delete(f"{PROGRAM}/badges/badge-2")) == 3


async def test_badge_create_and_update(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await create_tree(client)
    badges = f"{PROGRAM}/badges"
    on_postgresql = engine.dialect.name == "postgresql"
    plain = badge_body(slug="plain")
    # the start (key, containers); the image's and the badge's INSERTs (one statement on
    # PostgreSQL, data-modifying CTEs); the answer through the read path
    plain_count = await _statements(engine, lambda: client.post(badges, json=plain), 201)
    assert plain_count == (3 if on_postgresql else 4)
    body = badge_body(slug="listed", criteria=CRITERIA, tags=["a", "b"], categories=["c"])
    listed = await _statements(engine, lambda: client.post(badges, json=body), 201)
    # with its lists: still one statement on PostgreSQL, one per table elsewhere
    # (criteria, categories, tags)
    assert listed == (3 if on_postgresql else 7)
    renamed = await _statements(
        engine, lambda: client.put(f"{badges}/listed", json={"name": "Renamed"})
    )
    # the start (key, containers, what the update needs of the badge), its UPDATE, the
    # answer through the read path
    assert renamed == 3
    relisted = await _statements(
        engine, lambda: client.put(f"{badges}/listed", json={"tags": ["b", "c"], "criteria": []})
    )
    # besides: the new tag's INSERT, the dropped tag's DELETE, the criteria's DELETE
    assert relisted == 5
