"""The `badgekit-api` command, run in-process against a temporary SQLite file.

These tests are synchronous because the CLI runs its own event loop; the server side is
checked in an event loop of its own too, with an app on the same file.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from badgekit_api.cli import app as cli
from badgekit_api.config import Settings
from badgekit_api.main import create_app
from badgekit_api.migrations.runner import head_revisions
from badgekit_api.security import signing
from badgekit_api.security.signing import sign_request
from tests.support import TEST_KEY_ENCRYPTION_KEY, TEST_SECRET, make_client, run_cli

ENV_NAMES = ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "PORT", "HOST", "DEV")


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)  # no stray `.env`
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    return f"sqlite+aiosqlite:///{tmp_path}/cli.db"


def run(
    database_url: str,
    *args: str,
    secret: str | None = TEST_SECRET,
    key_encryption_key: str | None = TEST_KEY_ENCRYPTION_KEY,
    **kwargs: Any,
) -> Result:
    env = {
        "DATABASE_URL": database_url,
        "MASTER_SECRET": secret,
        "KEY_ENCRYPTION_KEY": key_encryption_key,
    }
    return CliRunner().invoke(cli, list(args), env=env, **kwargs)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def migrated(database_url: str) -> str:
    ok(run(database_url, "migrate"))
    return database_url


Requests = Callable[[httpx.AsyncClient], Awaitable[list[httpx.Response]]]


def against_server(database_url: str, requests: Requests) -> list[httpx.Response]:
    """Run `requests` with an unsigned client of an app on `database_url`."""

    async def main() -> list[httpx.Response]:
        app = create_app(Settings(database_url=database_url, master_secret=TEST_SECRET))
        try:
            async with make_client(app, key=None) as client:
                return await requests(client)
        finally:
            await app.state.engine.dispose()

    return asyncio.run(main())


def create_system(database_url: str, slug: str) -> None:
    ok(
        run(
            database_url,
            *("systems", "create", "--slug", slug, "--name", slug.title()),
            *("--url", f"https://{slug}.example.org"),
        )
    )


def signed_get(path: str, key: str, secret: str) -> Callable[[httpx.AsyncClient], Any]:
    header = sign_request("GET", path, None, key=key, secret=secret)
    return lambda client: client.get(path, headers={"Authorization": header})


def responses(
    database_url: str, *requests: Callable[[httpx.AsyncClient], Any]
) -> list[httpx.Response]:
    async def send(client: httpx.AsyncClient) -> list[httpx.Response]:
        return [await request(client) for request in requests]

    return against_server(database_url, send)


def test_migrate_then_create_and_list_systems(migrated: str) -> None:
    assert ok(run(migrated, "systems", "list")) == ""
    result = run(
        migrated,
        *("systems", "create", "--slug", "chicago", "--name", "City of Chicago"),
        *("--url", "https://chicago.example.org", "--email", "admin@chicago.example.org"),
    )
    assert "chicago" in ok(result)
    create_system(migrated, "pittsburgh")
    assert ok(run(migrated, "systems", "list")).splitlines() == [
        "chicago\tCity of Chicago\thttps://chicago.example.org",
        "pittsburgh\tPittsburgh\thttps://pittsburgh.example.org",
    ]


def test_a_created_system_is_served_by_the_api(migrated: str) -> None:
    create_system(migrated, "chicago")
    [response] = responses(migrated, signed_get("/systems/chicago", "master", TEST_SECRET))
    assert response.status_code == 200
    assert response.json()["system"]["url"] == "https://chicago.example.org"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ("--slug", "bad slug", "--name", "X", "--url", "https://x.example.org"),
            "ValidationError",
        ),
        (("--slug", "x", "--name", "X", "--url", "x.example.org"), "ValidationError"),
        (
            ("--slug", "chicago", "--name", "X", "--url", "https://x.example.org"),
            "ResourceConflict",
        ),
    ],
    ids=["bad slug", "bad url", "taken slug"],
)
def test_systems_create_refuses_bad_input(migrated: str, args: tuple[str, ...], error: str) -> None:
    create_system(migrated, "chicago")
    result = run(migrated, "systems", "create", *args)
    assert result.exit_code == 1
    assert error in result.stderr
    assert ok(run(migrated, "systems", "list")).count("\n") == 1


def test_a_consumer_key_signs_requests_for_its_own_system_only(migrated: str) -> None:
    create_system(migrated, "chicago")
    create_system(migrated, "pittsburgh")
    output = ok(run(migrated, "consumers", "create", "--system", "chicago"))
    found = re.search(r"^key:\s+(\S+)\nsecret:\s+(\S+)$", output, re.MULTILINE)
    assert found, output
    key, secret = found.groups()
    assert len(secret) >= 32
    answers = responses(
        migrated,
        signed_get("/systems/chicago", key, secret),
        signed_get("/systems/chicago/issuers", key, secret),
        signed_get("/systems/pittsburgh", key, secret),
        signed_get("/systems", key, secret),
        signed_get("/systems/chicago", key, "not-the-secret" * 3),
    )
    assert [answer.status_code for answer in answers] == [200, 200, 403, 403, 403]


def test_consumers_create_for_an_unknown_system_fails(migrated: str) -> None:
    result = run(migrated, "consumers", "create", "--system", "nowhere")
    assert result.exit_code == 1
    assert "ResourceNotFound" in result.stderr


def header_from(output: str) -> str:
    assert output.startswith("Authorization: JWT token="), output
    return output.strip().removeprefix("Authorization: ")


def test_token_prints_headers_the_server_accepts(migrated: str, tmp_path: Path) -> None:
    body = '{"slug": "zurich", "name": "Zürich", "url": "https://zurich.example.org"}'.encode()
    (tmp_path / "body.json").write_bytes(body)
    post = header_from(
        ok(run(migrated, "token", "POST", "/systems", "--body", str(tmp_path / "body.json")))
    )
    page = header_from(ok(run(migrated, "token", "GET", "/systems?page=1&count=1")))

    async def requests(client: httpx.AsyncClient) -> list[httpx.Response]:
        json_type = {"content-type": "application/json"}
        return [
            await client.post(
                "/systems", content=body, headers={"Authorization": post, **json_type}
            ),
            await client.get("/systems?page=1&count=1", headers={"Authorization": page}),
            # Each token is bound to its own request.
            await client.get("/systems", headers={"Authorization": page}),
        ]

    created, listed, elsewhere = against_server(migrated, requests)
    assert created.status_code == 201, created.text
    assert listed.json()["pageData"] == {"page": 1, "count": 1, "total": 1}
    assert elsewhere.status_code == 403


def test_token_reads_the_body_from_stdin(migrated: str) -> None:
    body = b'{"slug": "stdin", "name": "Stdin", "url": "https://stdin.example.org"}'
    header = header_from(ok(run(migrated, "token", "POST", "/systems", "--body", "-", input=body)))

    async def post(client: httpx.AsyncClient) -> list[httpx.Response]:
        return [await client.post("/systems", content=body, headers={"Authorization": header})]

    [response] = against_server(migrated, post)
    assert response.status_code == 201, response.text


def test_token_without_a_secret_fails(migrated: str) -> None:
    result = run(migrated, "token", "GET", "/systems", secret=None)
    assert result.exit_code == 1
    assert "secret" in result.stderr.lower()


class UvicornCalls:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, app: str, **options: Any) -> None:
        self.calls.append({"app": app, **options})


@pytest.fixture
def uvicorn_run(monkeypatch: pytest.MonkeyPatch) -> UvicornCalls:
    """Stands in for uvicorn.run, so a `serve` that should have refused fails instead of hanging."""
    calls = UvicornCalls()
    monkeypatch.setattr("uvicorn.run", calls)
    return calls


@pytest.mark.parametrize(
    ("secret", "message"),
    [(None, "MASTER_SECRET is not set"), ("x" * 31, "at least 32 bytes")],
    ids=["no secret", "short secret"],
)
def test_serve_refuses_a_missing_or_short_master_secret(
    database_url: str, uvicorn_run: UvicornCalls, secret: str | None, message: str
) -> None:
    result = run(database_url, "serve", "--port", "0", secret=secret)
    assert result.exit_code == 1
    assert message in result.stderr
    assert uvicorn_run.calls == []


def test_serve_starts_with_a_long_enough_secret(
    database_url: str, uvicorn_run: UvicornCalls
) -> None:
    result = run(database_url, "serve", "--host", "127.0.0.1", "--port", "0", secret="s" * 32)
    assert result.exit_code == 0, result.output
    [call] = uvicorn_run.calls
    assert (call["app"], call["host"], call["port"]) == (
        "badgekit_api.main:create_app",
        "127.0.0.1",
        0,
    )
    # On SQLite, serve migrates first.
    assert ok(run(database_url, "systems", "list")) == ""


DEV_SECRET_LINE = re.compile(
    r"^Development master secret \(key `master`\), (?:kept in|from) (\S+): (\S+)$", re.M
)


def test_serve_dev_keeps_its_secret_for_the_next_start(
    database_url: str, uvicorn_run: UvicornCalls, tmp_path: Path
) -> None:
    first = run(database_url, "serve", "--dev", "--no-migrate", secret=None)
    assert first.exit_code == 0, first.output
    found = DEV_SECRET_LINE.search(first.stdout)
    assert found, first.stdout
    kept, secret = Path(found.group(1)), found.group(2)
    assert kept == tmp_path / ".badgekit-dev-secret"
    assert kept.stat().st_mode & 0o777 == 0o600  # a secret: its owner alone reads it

    again = run(database_url, "serve", "--dev", "--no-migrate", secret=None)
    assert DEV_SECRET_LINE.findall(again.stdout) == [(str(kept), secret)]
    assert len(uvicorn_run.calls) == 2
    # Tokens made with it, before or after a restart, are tokens of the master key.
    header = header_from(ok(run(database_url, "token", "GET", "/systems", secret=None)))
    token = signing.token_from_header(header)
    assert token and signing.verify(token, secret)["key"] == "master"


def test_serve_dev_accepts_a_short_secret(database_url: str, uvicorn_run: UvicornCalls) -> None:
    result = run(database_url, "serve", "--dev", "--no-migrate", secret="short")
    assert result.exit_code == 0, result.output
    assert "Development master secret" not in result.stdout
    assert len(uvicorn_run.calls) == 1


def test_migrate_names_the_database_and_the_revision(database_url: str, tmp_path: Path) -> None:
    [head] = head_revisions()
    assert ok(run(database_url, "migrate")) == (
        f"Database {tmp_path}/cli.db is at revision {head} (the latest).\n"
    )


def test_token_with_a_short_secret_prints_only_the_header(tmp_path: Path) -> None:
    # PyJWT warns about HMAC keys under 32 bytes, a Python warning with its source line.
    done = run_cli("token", "GET", "/systems", "--secret", "short", cwd=tmp_path)
    assert (done.code, done.stderr) == (0, "")
    assert done.output.startswith("Authorization: JWT token=")
