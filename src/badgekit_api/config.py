"""Settings, read once from the environment."""

from __future__ import annotations

from urllib.parse import quote

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./badgekit.db"


class Settings(BaseSettings):
    """Everything the server can be configured with.

    The original BadgeKit API's variables (`DB_HOST`, `DB_NAME`, `DB_USER`, `DB_PASSWORD`,
    `MASTER_SECRET`, `PORT`) are honoured so an existing install's env file keeps working.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = ""
    db_host: str | None = None
    db_port: int | None = None
    db_name: str | None = None
    db_user: str | None = None
    db_password: str | None = None

    master_secret: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str | None = Field(
        default=None, description="Origin used in published URLs, e.g. https://badges.example.org"
    )
    dev: bool = False

    max_image_bytes: int = 2 * 1024 * 1024
    max_body_bytes: int = 8 * 1024 * 1024
    max_page_count: int = 500

    @model_validator(mode="after")
    def _resolve_database_url(self) -> Settings:
        if not self.database_url:
            self.database_url = self._url_from_original_variables() or DEFAULT_DATABASE_URL
        if self.public_url:
            self.public_url = self.public_url.rstrip("/")
        return self

    def _url_from_original_variables(self) -> str | None:
        if not (self.db_host or self.db_name):
            return None
        user = quote(self.db_user or "root", safe="")
        password = f":{quote(self.db_password, safe='')}" if self.db_password else ""
        port = f":{self.db_port}" if self.db_port else ""
        host = self.db_host or "127.0.0.1"
        name = self.db_name or "badgekit"
        return f"mysql+asyncmy://{user}{password}@{host}{port}/{name}?charset=utf8mb4"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
