"""Settings, read once from the environment."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import Field, NonNegativeInt, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./badgekit.db"
# Database URLs as people write them (Heroku-style `postgres://`, `mysql://`, `mariadb://`,
# plain `sqlite://`) name no driver, or a synchronous one: each maps to this server's driver.
_ASYNC_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "mysql": "mysql+asyncmy",
    "mariadb": "mysql+asyncmy",
    "mariadb+asyncmy": "mysql+asyncmy",
    "sqlite": "sqlite+aiosqlite",
}
MIN_SECRET_BYTES = 32
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
    # Short, so that requests answer 503 quickly instead of hanging while the database is down.
    database_connect_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Give up connecting to the database after this long"
    )
    database_pool_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest wait for a free pooled database connection"
    )
    # Per server process. A request holds its connection throughout: under steady load keep
    # the pool at least as large as the requests one process serves at once, since
    # connections beyond it are closed when given back and opened again on the next peak,
    # which costs more than the request itself. Idle pooled connections stay open, though:
    # workers x pool size must leave room under the database's connection limit.
    database_pool_size: int = Field(default=10, ge=1, description="Pooled connections kept")
    database_max_overflow: int = Field(
        default=20, ge=0, description="Extra connections opened (and closed) under peaks"
    )

    # Writers of one process take turns in a queue; this bounds the wait for a turn and,
    # in SQLite's busy handler, for the write lock held by another process.
    sqlite_busy_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Longest wait of a SQLite writer for its turn to write"
    )

    master_secret: str | None = None
    # The key that encrypts the issuer profiles' private signing keys at rest (AES-256-GCM):
    # 32 bytes as base64 (`badgekit-api keys new-encryption-key` prints one). Several,
    # comma-separated: the first encrypts, every one decrypts (to change it without downtime).
    key_encryption_key: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str | None = Field(
        default=None, description="Origin used in published URLs, e.g. https://badges.example.org"
    )
    # uvicorn's own default trusts `X-Forwarded-For` from loopback, so that any client that
    # reaches the port from the same host could claim a new address per request and escape
    # the per-client limits. Here no proxy is trusted unless one is named.
    forwarded_allow_ips: str = Field(
        default="",
        description="Proxies whose X-Forwarded-For/-Proto are believed (comma-separated "
        "addresses or networks, `*` for any); empty: none",
    )
    dev: bool = False

    max_image_bytes: int = 2 * 1024 * 1024
    max_body_bytes: int = 8 * 1024 * 1024
    max_page_count: int = 500
    max_bulk_emails: int = Field(default=1000, ge=1, description="Earners per bulk award")
    max_bulk_csv_rows: int = Field(
        default=50_000, ge=1, description="Rows of a bulk award sent as text/csv"
    )
    max_application_evidence: int = Field(default=50, ge=0)
    # Per badge, and shown with it in every listing: 100,000 tags made a 3 MB badge. Real
    # badges carry a handful of each; a hundred leaves room and bounds a listing's weight.
    max_badge_criteria: int = Field(default=100, ge=0, description="Criteria per badge")
    max_badge_alignments: int = Field(default=100, ge=0, description="Alignments per badge")
    max_badge_categories: int = Field(default=100, ge=0, description="Categories per badge")
    max_badge_tags: int = Field(default=100, ge=0, description="Tags per badge")
    max_json_depth: int = Field(default=32, ge=1, description="Deepest nesting of a JSON body")

    require_exp: bool = Field(default=False, description="Refuse tokens without `exp`")
    max_token_lifetime_seconds: int = Field(
        default=3600, ge=0, description="Longest `exp` (from now, or from `iat`); 0: no limit"
    )
    replay_protection: bool = Field(default=False, description="Accept each token `jti` once")
    consumer_rotation_overlap_seconds: int = Field(
        default=3600, ge=0, description="How long a rotated consumer secret stays valid"
    )
    auth_failures_per_minute: int = Field(default=30, ge=0, description="Per client; 0: off")
    claim_failures_per_minute: int = Field(
        default=10, ge=0, description="Per client and per code; 0: off"
    )
    redis_url: str | None = Field(
        default=None, description="Share replay and rate-limit state through Redis"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    webhook_allow_private: bool = Field(
        default=False, description="Allow webhooks to private, loopback and link-local hosts"
    )

    webhook_worker: bool = Field(default=True, description="Deliver webhooks inside `serve`")
    webhook_poll_seconds: float = Field(default=2.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_batch_size: int = Field(default=20, ge=1, le=1000)
    webhook_concurrency: int = Field(
        default=100, ge=1, le=10_000, description="Webhooks a worker sends to at the same time"
    )
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

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("redis_url", mode="before")
    @classmethod
    def _blank_redis_url(cls, value: Any) -> Any:
        return value or None

    @model_validator(mode="after")
    def _resolve_database_url(self) -> Settings:
        if not self.database_url:
            self.database_url = self._url_from_original_variables() or DEFAULT_DATABASE_URL
        self.database_url = with_async_driver(self.database_url)
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

    def master_secret_problem(self, *, required: bool) -> str | None:
        """Why the master secret is not fit to start a server or worker with, if it is not."""
        if not self.master_secret:
            return "MASTER_SECRET is not set (or run with --dev)." if required else None
        if len(self.master_secret.encode()) < MIN_SECRET_BYTES and not self.dev:
            return f"MASTER_SECRET must be at least {MIN_SECRET_BYTES} bytes outside --dev."
        return None

    def key_encryption_key_problem(self, *, required: bool) -> str | None:
        """Why KEY_ENCRYPTION_KEY is not fit to start a server with, if it is not."""
        from badgekit_api.keys.encryption import KeyEncryption, KeyEncryptionError

        if not self.key_encryption_key:
            return "KEY_ENCRYPTION_KEY is not set (or run with --dev)." if required else None
        try:
            KeyEncryption.from_setting(self.key_encryption_key)
        except KeyEncryptionError as error:
            return f"KEY_ENCRYPTION_KEY: {error}"
        return None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_postgresql(self) -> bool:
        return self.database_url.startswith("postgresql")


def with_async_driver(url: str) -> str:
    """`url` with its scheme naming the driver this server uses for that database.

    MySQL and MariaDB also get `charset=utf8mb4` unless the URL names a charset: without it
    the driver's default (latin1 on many servers) cannot hold every badge name.
    """
    scheme, separator, rest = url.partition("://")
    driver = _ASYNC_DRIVERS.get(scheme.lower())
    if not separator or driver is None:
        return url
    if driver.startswith("mysql") and "charset=" not in rest:
        rest += ("&" if "?" in rest else "?") + "charset=utf8mb4"
    return f"{driver}://{rest}"
