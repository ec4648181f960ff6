"""Database URLs as people write them (issue 14): `postgres://`, `postgresql://`, `mysql://`,
`mariadb://` and `sqlite://` name no driver; each is served by this server's async driver."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from badgekit_api.config import Settings
from badgekit_api.db.database import create_engine


@pytest.mark.parametrize(
    ("written", "used"),
    [
        ("postgres://u:p@db:5432/badges", "postgresql+asyncpg://u:p@db:5432/badges"),
        ("postgresql://u@db/badges", "postgresql+asyncpg://u@db/badges"),
        ("mysql://u:p@db/badges", "mysql+asyncmy://u:p@db/badges?charset=utf8mb4"),
        (
            "mariadb://u@db:3306/badges?ssl=true",
            "mysql+asyncmy://u@db:3306/badges?ssl=true&charset=utf8mb4",
        ),
        ("mysql://u@db/badges?charset=utf8mb4", "mysql+asyncmy://u@db/badges?charset=utf8mb4"),
        ("sqlite:///./badgekit.db", "sqlite+aiosqlite:///./badgekit.db"),
        # Already naming this server's drivers: unchanged.
        ("postgresql+asyncpg://u@db/badges", "postgresql+asyncpg://u@db/badges"),
        ("mysql+asyncmy://u@db/badges", "mysql+asyncmy://u@db/badges"),
    ],
)
def test_a_url_without_a_driver_gets_this_servers_driver(written: str, used: str) -> None:
    assert Settings(database_url=written).database_url == used


def test_the_environment_variable_is_read_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://badgekit@db.example.org/badgekit")
    assert Settings().database_url == "postgresql+asyncpg://badgekit@db.example.org/badgekit"


def _as_people_write_it(url: str) -> str:
    parsed = make_url(url)
    plain = {"postgresql": "postgres", "mysql": "mariadb", "sqlite": "sqlite"}[
        parsed.get_backend_name()
    ]
    return plain + "://" + url.partition("://")[2]


async def test_the_suites_database_answers_through_its_plain_url(
    settings: Settings,
) -> None:
    # A real connection through the URL as written without a driver, on the suite's database.
    plain = _as_people_write_it(settings.database_url)
    assert "+" not in plain.partition("://")[0]
    engine = create_engine(Settings(database_url=plain, master_secret=settings.master_secret))
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await engine.dispose()
