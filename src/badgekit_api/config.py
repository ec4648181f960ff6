"""Settings, read once from the environment."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from pydantic import Field, NonNegativeInt, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./badgekit.db"
# Seconds to wait before each retry of a webhook: 1 min ... 12 h, about 22 h in all.
DEFAULT_WEBHOOK_RETRY_SCHEDULE = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600)


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
    max_bulk_emails: int = Field(default=1000, ge=1, description="Earners per bulk award")
    max_application_evidence: int = Field(default=50, ge=0)

    webhook_worker: bool = Field(default=True, description="Deliver webhooks inside `serve`")
    webhook_poll_seconds: float = Field(default=2.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_batch_size: int = Field(default=20, ge=1, le=1000)
    webhook_retry_schedule: Annotated[tuple[NonNegativeInt, ...], NoDecode] = (
        DEFAULT_WEBHOOK_RETRY_SCHEDULE
    )
    webhook_retry_jitter: float = Field(default=0.1, ge=0, lt=1)

    @field_validator("webhook_retry_schedule", mode="before")
    @classmethod
    def _split_schedule(cls, value: Any) -> Any:
        # `WEBHOOK_RETRY_SCHEDULE=60,300,900` in the environment.
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

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
