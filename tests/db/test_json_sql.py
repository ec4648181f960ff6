"""JSON built by the database (`db/json_sql.py`): the same decoded answer on SQLite,
PostgreSQL and MariaDB, for real rows of the badge tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Float, LargeBinary, case, insert, literal, literal_column, select, union_all
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import aliased

from badgekit_api.db.json_sql import (
    MAX_OBJECT_KEYS,
    fetch_json,
    json_array_agg,
    json_object,
)
from badgekit_api.models import Alignment, Badge, BadgeTag, Criterion, Issuer, System
from badgekit_api.models.base import UTCDateTime
from badgekit_api.timestamps import iso_millis
from tests.support import count_queries

# Quotes, backslashes, control characters, accents, CJK, an emoji and a non-BMP symbol.
AWKWARD_TEXT = 'say "hi" \\ back\\slash\nnew line\ttab\x01\x1f é ß 中文 😀 𝄞 \u2028'
CREATED = datetime(2026, 12, 3, 10, 1, 11, 973999, tzinfo=UTC)
LARGEST_INTEGER = 2**31 - 1


async def _add(engine: AsyncEngine, *rows: Any) -> None:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        session.add_all(rows)
        await session.commit()


async def _read(engine: AsyncEngine, statement: Any) -> Any:
    async with engine.connect() as connection:
        return await fetch_json(connection, statement)


async def _system(engine: AsyncEngine) -> System:
    system = System(slug="chicago", name="Chicago", url="https://chicago.example.org")
    await _add(engine, system)
    return system


def _badge(system: System, slug: str = "python", **fields: Any) -> Badge:
    values: dict[str, Any] = {
        "system_id": system.id,
        "slug": slug,
        "name": "Python",
        "earner_description": "Write a program.",
        "consumer_description": "Wrote a program.",
        "criteria_url": "https://example.org/criteria",
        "type": "skill",
        "created_at": CREATED,
        **fields,
    }
    return Badge(**values)


def _criteria_of_badge() -> Any:
    rows = select(
        json_object(
            {
                "description": Criterion.description,
                "required": Criterion.required,
                "note": Criterion.note,
            }
        )
    ).where(Criterion.badge_id == Badge.id)
    return json_array_agg(rows, order_by=Criterion.id)


def _tags_of_badge() -> Any:
    rows = select(BadgeTag.value).where(BadgeTag.badge_id == Badge.id)
    return json_array_agg(rows, order_by=BadgeTag.id)


async def test_an_object_gives_every_kind_of_value_as_python_would(engine: AsyncEngine) -> None:
    system = await _system(engine)
    badge = _badge(
        system,
        name=AWKWARD_TEXT,
        strapline=None,
        unique=True,
        archived=False,
        limit=LARGEST_INTEGER,
        time_value=0,
    )
    await _add(engine, badge)
    fields = {
        "id": Badge.id,
        "name": Badge.name,
        "strapline": Badge.strapline,
        "unique": Badge.unique,
        "archived": Badge.archived,
        "limit": Badge.limit,
        "timeValue": Badge.time_value,
        "created": Badge.created_at,
        "limited": Badge.limit > 5,
        "unlimited": Badge.limit.is_(None),
    }

    document = await _read(engine, select(json_object(fields)).where(Badge.id == badge.id))

    assert document == {
        "id": badge.id,
        "name": AWKWARD_TEXT,
        "strapline": None,
        "unique": True,
        "archived": False,
        "limit": LARGEST_INTEGER,
        "timeValue": 0,
        "created": "2026-12-03T10:01:11.973Z",
        "limited": True,
        "unlimited": False,
    }
    assert list(document) == list(fields), "keys keep the order they were given in"
    assert type(document["unique"]) is bool and type(document["limit"]) is int


async def test_timestamps_are_the_api_format_with_milliseconds_cut_not_rounded(
    engine: AsyncEngine,
) -> None:
    system = await _system(engine)
    moments = [
        datetime(2026, 12, 3, 10, 1, 11, 973999, tzinfo=UTC),  # not .974
        datetime(2026, 12, 31, 23, 59, 59, 999600, tzinfo=UTC),  # not the next year
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 1000, tzinfo=UTC),
    ]
    badges = [_badge(system, f"b{index}", created_at=at) for index, at in enumerate(moments)]
    await _add(engine, *badges)
    rows = select(Badge.created_at).where(Badge.system_id == system.id)

    shown = await _read(engine, select(json_array_agg(rows, order_by=Badge.id)))

    assert shown == [iso_millis(moment) for moment in moments]
    assert shown == [
        "2026-12-03T10:01:11.973Z",
        "2026-12-31T23:59:59.999Z",
        "2026-01-02T03:04:05.000Z",
        "2026-01-02T03:04:05.001Z",
    ]


async def test_python_constants_and_bound_timestamps_take_their_json_form(
    engine: AsyncEngine,
) -> None:
    moment = datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    fields = {
        "type": "BadgeClass",
        "text": AWKWARD_TEXT,
        "yes": True,
        "no": False,
        "count": LARGEST_INTEGER,
        "nothing": None,
        "issuedOn": literal(moment, UTCDateTime()),
        "expires": literal(None, UTCDateTime()),
    }

    assert await _read(engine, select(json_object(fields))) == {
        "type": "BadgeClass",
        "text": AWKWARD_TEXT,
        "yes": True,
        "no": False,
        "count": LARGEST_INTEGER,
        "nothing": None,
        "issuedOn": "2026-05-06T07:08:09.123Z",
        "expires": None,
    }


async def test_a_list_with_no_rows_is_an_empty_array(engine: AsyncEngine) -> None:
    system = await _system(engine)
    badge = _badge(system)
    await _add(engine, badge)
    statement = select(json_object({"criteria": _criteria_of_badge(), "tags": _tags_of_badge()}))

    document = await _read(engine, statement.where(Badge.id == badge.id))

    assert document == {"criteria": [], "tags": []}


async def test_a_list_follows_its_order_by_not_the_order_rows_were_written(
    engine: AsyncEngine,
) -> None:
    system = await _system(engine)
    badge = _badge(system)
    await _add(engine, badge)
    await _add(engine, *(BadgeTag(badge_id=badge.id, value=value) for value in "mzabq"))
    rows = select(BadgeTag.value).where(BadgeTag.badge_id == badge.id)

    by_value = await _read(engine, select(json_array_agg(rows, order_by=BadgeTag.value)))
    newest_first = await _read(engine, select(json_array_agg(rows, order_by=BadgeTag.id.desc())))
    by_two = await _read(
        engine,
        select(json_array_agg(rows, order_by=[BadgeTag.value.in_(["q", "z"]).desc(), BadgeTag.id])),
    )

    assert by_value == ["a", "b", "m", "q", "z"]
    assert newest_first == ["q", "b", "a", "z", "m"]
    assert by_two == ["z", "q", "m", "a", "b"]


async def test_one_statement_gives_an_object_with_its_lists_of_objects(
    engine: AsyncEngine,
) -> None:
    system = await _system(engine)
    badge = _badge(system, unique=True)
    await _add(engine, badge)
    await _add(
        engine,
        Criterion(badge_id=badge.id, description="Shows up", required=True, note=None),
        Criterion(badge_id=badge.id, description=AWKWARD_TEXT, required=False, note="n"),
        BadgeTag(badge_id=badge.id, value="science"),
        BadgeTag(badge_id=badge.id, value="😀"),
        Alignment(badge_id=badge.id, name="Standard", url="https://example.org/s"),
    )
    alignments = json_array_agg(
        select(json_object({"name": Alignment.name, "description": Alignment.description})).where(
            Alignment.badge_id == Badge.id
        ),
        order_by=Alignment.id,
    )
    statement = select(
        json_object(
            {
                "slug": Badge.slug,
                "unique": Badge.unique,
                "criteria": _criteria_of_badge(),
                "tags": _tags_of_badge(),
                "alignments": alignments,
            }
        )
    ).where(Badge.id == badge.id)

    with count_queries(engine) as counter:
        document = await _read(engine, statement)

    assert document == {
        "slug": "python",
        "unique": True,
        "criteria": [
            {"description": "Shows up", "required": True, "note": None},
            {"description": AWKWARD_TEXT, "required": False, "note": "n"},
        ],
        "tags": ["science", "😀"],
        "alignments": [{"name": "Standard", "description": None}],
    }
    assert counter.count == 1


async def test_a_list_of_objects_each_with_its_own_lists(engine: AsyncEngine) -> None:
    system = await _system(engine)
    first, second, elsewhere = _badge(system, "a"), _badge(system, "b"), _badge(system, "c")
    await _add(engine, first, second, elsewhere)
    await _add(
        engine,
        BadgeTag(badge_id=second.id, value="two"),
        BadgeTag(badge_id=first.id, value="one"),
        BadgeTag(badge_id=second.id, value="deux"),
        Criterion(badge_id=second.id, description="c", required=True),
    )
    badges = select(
        json_object(
            {"slug": Badge.slug, "tags": _tags_of_badge(), "criteria": _criteria_of_badge()}
        )
    ).where(Badge.system_id == system.id, Badge.slug != "c")

    listed = await _read(engine, select(json_array_agg(badges, order_by=Badge.slug.desc())))

    assert listed == [
        {
            "slug": "b",
            "tags": ["two", "deux"],
            "criteria": [{"description": "c", "required": True, "note": None}],
        },
        {"slug": "a", "tags": ["one"], "criteria": []},
    ]


async def test_nested_objects_and_optional_ones_are_objects_or_null(engine: AsyncEngine) -> None:
    system = await _system(engine)
    issuer = Issuer(system_id=system.id, slug="library", name="Library", url="https://l.org")
    await _add(engine, issuer)
    await _add(engine, _badge(system, "plain"), _badge(system, "issued", issuer_id=issuer.id))
    issuer_object = json_object({"slug": Issuer.slug, "name": Issuer.name})
    same_system = aliased(System)
    badges = (
        select(
            json_object(
                {
                    "slug": Badge.slug,
                    "system": json_object({"slug": System.slug}),
                    "issuer": case((Issuer.id.is_not(None), issuer_object)),
                    "system_by_subquery": select(json_object({"url": same_system.url}))
                    .where(same_system.id == Badge.system_id)
                    .scalar_subquery(),
                }
            )
        )
        .join(System, System.id == Badge.system_id)
        .outerjoin(Issuer, Issuer.id == Badge.issuer_id)
    )

    listed = await _read(engine, select(json_array_agg(badges, order_by=Badge.id)))

    chicago = {"url": "https://chicago.example.org"}
    assert listed == [
        {
            "slug": "plain",
            "system": {"slug": "chicago"},
            "issuer": None,
            "system_by_subquery": chicago,
        },
        {
            "slug": "issued",
            "system": {"slug": "chicago"},
            "issuer": {"slug": "library", "name": "Library"},
            "system_by_subquery": chicago,
        },
    ]


async def test_a_cached_statement_answers_for_its_own_parameters(engine: AsyncEngine) -> None:
    system = await _system(engine)
    first, second = _badge(system, "a"), _badge(system, "b")
    await _add(engine, first, second)
    await _add(engine, BadgeTag(badge_id=second.id, value="only-b"))

    def shown(badge_id: int) -> Any:
        document = json_object({"slug": Badge.slug, "tags": _tags_of_badge()})
        return select(document).where(Badge.id == badge_id)

    compiled = [shown(badge).compile(dialect=engine.dialect).string for badge in (1, 2)]
    assert compiled[0] == compiled[1]
    assert await _read(engine, shown(second.id)) == {"slug": "b", "tags": ["only-b"]}
    assert await _read(engine, shown(first.id)) == {"slug": "a", "tags": []}


async def test_no_row_reads_as_none(engine: AsyncEngine) -> None:
    statement = select(json_object({"id": Badge.id})).where(Badge.id == LARGEST_INTEGER)

    assert await _read(engine, statement) is None


async def test_an_aggregate_beyond_a_mebibyte_keeps_every_row(engine: AsyncEngine) -> None:
    # MariaDB's JSON_ARRAYAGG drops rows past group_concat_max_len (1 MiB by default).
    system = await _system(engine)
    badge = _badge(system)
    await _add(engine, badge)
    values = [f"{index:05d}" + "x" * 250 for index in range(5000)]
    async with engine.begin() as connection:
        await connection.execute(
            insert(BadgeTag), [{"badge_id": badge.id, "value": value} for value in values]
        )
    rows = select(BadgeTag.value).where(BadgeTag.badge_id == badge.id)

    assert await _read(engine, select(json_array_agg(rows, order_by=BadgeTag.id))) == values


def test_values_without_one_json_form_on_every_database_are_refused() -> None:
    for column in (literal(b"x", LargeBinary()), literal(1.5, Float())):
        with pytest.raises(TypeError, match="no JSON form"):
            json_object({"value": column})


def test_objects_and_arrays_are_refused_when_they_cannot_work() -> None:
    with pytest.raises(ValueError, match="at most"):
        json_object({f"k{index}": index for index in range(MAX_OBJECT_KEYS + 1)})
    with pytest.raises(ValueError, match="one column"):
        json_array_agg(select(Badge.id, Badge.slug), order_by=Badge.id)
    with pytest.raises(ValueError, match="order_by"):
        json_array_agg(select(Badge.id), order_by=[])


async def test_fetch_json_refuses_a_column_this_module_did_not_build(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        with pytest.raises(TypeError, match="built by this module"):
            await fetch_json(connection, select(Badge.slug))


def _compiled(statement: Any, dialect: Any) -> str:
    return str(statement.compile(dialect=dialect))


def test_each_dialect_gets_its_own_json_functions() -> None:
    statement = select(
        json_object(
            {
                "unique": Badge.unique,
                "created": Badge.created_at,
                "tags": _tags_of_badge(),
                "criteria": _criteria_of_badge(),
            }
        )
    )

    on_postgresql = _compiled(statement, postgresql.dialect())
    on_mariadb = _compiled(statement, mysql.dialect(is_mariadb=True))
    on_sqlite = _compiled(statement, sqlite.dialect())

    assert 'CAST((SELECT row_to_json(json_sql_row) FROM (SELECT badges."unique" AS "unique"' in (
        on_postgresql
    )
    assert 'to_char(badges.created_at, \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\')' in on_postgresql
    assert "json_agg(badge_tags.value ORDER BY badge_tags.id)" in on_postgresql
    assert "CAST('[]' AS JSON)" in on_postgresql
    assert "JSON_OBJECT('unique', JSON_EXTRACT(CASE WHEN badges.`unique` THEN 'true'" in on_mariadb
    assert "JSON_ARRAYAGG(badge_tags.value ORDER BY badge_tags.id)" in on_mariadb
    assert "JSON_ARRAYAGG(JSON_OBJECT('description'" in on_mariadb, "no needless re-marking"
    assert "JSON_EXTRACT(coalesce((SELECT JSON_ARRAYAGG(" in on_mariadb
    assert "DATE_FORMAT(badges.created_at, '%%Y-%%m-%%dT%%H:%%i:%%s.%%f')" in on_mariadb
    assert "json_object('unique', json(CASE WHEN badges.\"unique\" THEN 'true'" in on_sqlite
    assert (
        "json_group_array(badge_tags.value) OVER (ORDER BY badge_tags.id "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    ) in on_sqlite
    assert "json(coalesce((SELECT json_group_array(" in on_sqlite
    assert "json_group_array(json_object('description'" in on_sqlite
    assert "substr(badges.created_at, 1, 10) || 'T'" in on_sqlite


def test_keys_are_escaped_for_each_dialect() -> None:
    statement = select(json_object({"it's \\ 100%": Badge.id}))

    assert "'it''s \\\\ 100%%'" in _compiled(statement, mysql.dialect(is_mariadb=True))
    assert '"it\'s \\ 100%%"' in _compiled(statement, postgresql.dialect())  # a column name
    assert "'it''s \\ 100%'" in _compiled(statement, sqlite.dialect())


async def test_awkward_keys_survive(engine: AsyncEngine) -> None:
    key = 'it\'s \\ 100% "quoted" 😀'

    assert await _read(engine, select(json_object({key: 1, "@context": "x"}))) == {
        key: 1,
        "@context": "x",
    }


async def test_a_key_longer_than_a_column_name_survives(engine: AsyncEngine) -> None:
    # PostgreSQL names the keys as columns, which it would cut at 63 bytes.
    key = "k" * 60 + "é" * 3

    assert await _read(engine, select(json_object({key: 1, "short": True}))) == {
        key: 1,
        "short": True,
    }


async def test_statements_that_differ_only_in_their_keys_are_not_confused(
    engine: AsyncEngine,
) -> None:
    # The compiled-statement cache must tell the keys apart: they are not parameters.
    first = await _read(engine, select(json_object({"first": literal(1)})))
    second = await _read(engine, select(json_object({"second": literal(1)})))

    assert (first, second) == ({"first": 1}, {"second": 1})


async def test_documents_read_back_from_a_union_nest_as_documents(engine: AsyncEngine) -> None:
    # Out of a UNION (or a materialized CTE) SQLite has forgotten that the text is JSON.
    system = await _system(engine)
    await _add(engine, _badge(system, "a", unique=True), _badge(system, "b"))
    documents = union_all(
        *(
            select(json_object({"slug": Badge.slug, "unique": Badge.unique}).label("doc"))
            .where(Badge.slug == slug)
            .add_columns(literal(position).label("position"))
            for position, slug in enumerate("ba")
        )
    ).subquery()

    listed = await _read(
        engine, select(json_array_agg(select(documents.c.doc), order_by=documents.c.position))
    )

    assert listed == [{"slug": "b", "unique": False}, {"slug": "a", "unique": True}]


async def test_a_sqlite_timestamp_stored_without_a_fraction_gets_zero_milliseconds(
    engine: AsyncEngine,
) -> None:
    # Only SQLite stores timestamps as text; SQLAlchemy always writes the fraction, but
    # CURRENT_TIMESTAMP and hand-written rows do not.
    if engine.dialect.name != "sqlite":
        pytest.skip("timestamps are text on SQLite only")
    stored = literal_column("'2026-01-02 03:04:05'", UTCDateTime())

    assert await _read(engine, select(json_object({"at": stored}))) == {
        "at": "2026-01-02T03:04:05.000Z"
    }


@pytest.mark.parametrize(
    ("version", "mariadb"), [((8, 0, 36), False), ((10, 4, 34), True)], ids=["mysql", "mariadb"]
)
def test_servers_without_ordered_json_arrayagg_are_told_so(
    version: tuple[int, ...], mariadb: bool
) -> None:
    dialect = mysql.dialect(is_mariadb=mariadb)
    dialect.server_version_info = version

    with pytest.raises(CompileError, match="MariaDB 10.5 or later"):
        _compiled(select(_tags_of_badge()), dialect)
