"""Settings from the environment (and `.env`), including the original BadgeKit's variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from badgekit_api.config import Settings

VARIABLES = (
    "DATABASE_URL",
    "DB_HOST",
    "DB_PORT",
    "DB_NAME",
    "DB_USER",
    "DB_PASSWORD",
    "MASTER_SECRET",
    "HOST",
    "PORT",
    "PUBLIC_URL",
    "DEV",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No inherited variables, and a working directory without a `.env` file."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = Settings()
    assert settings.database_url == "sqlite+aiosqlite:///./badgekit.db"
    assert settings.is_sqlite
    assert settings.port == 8080
    assert settings.master_secret is None
    assert settings.public_url is None
    assert settings.dev is False


def test_database_url_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+asyncpg://badges:pw@db.internal:5432/badgekit"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DB_HOST", "ignored.internal")
    assert Settings().database_url == url
    assert not Settings().is_sqlite


def test_the_original_db_variables_make_a_mysql_url(monkeypatch: pytest.MonkeyPatch) -> None:
    password = "p@ss:w/rd%#?&="
    monkeypatch.setenv("DB_HOST", "db.internal")
    monkeypatch.setenv("DB_NAME", "badgekit_prod")
    monkeypatch.setenv("DB_USER", "badger")
    monkeypatch.setenv("DB_PASSWORD", password)
    url = Settings().database_url
    assert url == (
        "mysql+asyncmy://badger:p%40ss%3Aw%2Frd%25%23%3F%26%3D@db.internal/badgekit_prod"
        "?charset=utf8mb4"
    )
    parsed = make_url(url)
    assert (parsed.username, parsed.password, parsed.host, parsed.database) == (
        "badger",
        password,
        "db.internal",
        "badgekit_prod",
    )


def test_the_original_db_variables_with_a_port_and_no_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DB_HOST", "10.0.0.5")
    monkeypatch.setenv("DB_PORT", "3307")
    monkeypatch.setenv("DB_NAME", "badges")
    assert Settings().database_url == "mysql+asyncmy://root@10.0.0.5:3307/badges?charset=utf8mb4"


def test_port_master_secret_and_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9090")
    monkeypatch.setenv("MASTER_SECRET", "s" * 40)
    monkeypatch.setenv("PUBLIC_URL", "https://badges.example.org/")
    settings = Settings()
    assert settings.port == 9090
    assert settings.master_secret == "s" * 40
    assert settings.public_url == "https://badges.example.org"


def test_a_port_that_is_not_a_number_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ValidationError):
        Settings()


def test_an_env_file_is_read_as_the_original_did(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("MASTER_SECRET=from-the-file\nPORT=8181\n")
    settings = Settings()
    assert settings.master_secret == "from-the-file"
    assert settings.port == 8181


def test_the_environment_wins_over_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("PORT=8181\n")
    monkeypatch.setenv("PORT", "9191")
    assert Settings().port == 9191
