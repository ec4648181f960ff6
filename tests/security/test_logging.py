"""Structured logs, request ids, and no email, token, secret or body in any log line."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import hypothesis
import orjson
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from badgekit_api.config import Settings
from badgekit_api.fields import normalized_email
from badgekit_api.http.request_log import loggable_path
from badgekit_api.keys.signing import signing_key
from badgekit_api.logging_config import JsonFormatter, logging_config, request_id_var
from badgekit_api.models import System
from badgekit_api.security.signing import sign_request
from tests.live_server import running_server
from tests.security.support import app_with, client_of, token_header
from tests.support import TEST_KEY_ENCRYPTION_KEY, TEST_SECRET, signing_hook
from tests.webhooks.support import loopback_receiver, wait_until


def record(message: str, **extra: Any) -> logging.LogRecord:
    entry = logging.LogRecord("badgekit_api.test", logging.INFO, __file__, 1, message, (), None)
    entry.__dict__.update(extra)
    return entry


def test_a_log_record_is_one_json_object() -> None:
    context = request_id_var.set("abc-123")
    try:
        line = JsonFormatter().format(record("hello %s", status=201))
    finally:
        request_id_var.reset(context)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "hello %s"
    assert (entry["level"], entry["logger"], entry["request_id"]) == (
        "INFO",
        "badgekit_api.test",
        "abc-123",
    )
    assert entry["status"] == 201
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])


def test_emails_and_tokens_are_masked_whatever_logs_them() -> None:
    jwt_like = token_header("GET", "/")["Authorization"].split('"')[1]
    line = JsonFormatter().format(
        record(f"user Jane.Doe+x@mail.example.org sent {jwt_like}", path="/a/b%40c.org")
    )
    assert "example.org" not in line and jwt_like not in line and "c.org" not in line
    assert json.loads(line)["message"] == "user [email] sent [token]"


# Addresses the server accepts (`fields.EarnerEmail`), and quoted ones it refuses but a
# receiver's answer may hold: the log mask must catch them all (issue 15, defect 9).
ACCEPTED_ADDRESSES = [
    "ünï@exämple.org",
    "pelé@example.com",
    "用户@例子.广告",
    "δοκιμή@παράδειγμα.δοκιμή",
    "o'brien@example.org",
    "a/b{c}|d=e?f^g`h~i!j#k$l&m*n@example.org",
    "ab@xn--exmple-cua.org",
]
QUOTED_ADDRESSES = ['"a b"@example.org', '"quote\\"inside"@exämple.org']


@pytest.mark.parametrize("address", ACCEPTED_ADDRESSES)
def test_every_address_the_server_accepts_is_masked(address: str) -> None:
    assert normalized_email(address) is not None
    message = f'HTTP 400: {{"error": "no earner {address}"}} (<{address}>, {address}.)'
    line = JsonFormatter().format(record(message, path=f"/x/{quote(address)}"))
    entry = json.loads(line)
    assert entry["message"] == 'HTTP 400: {"error": "no earner [email]"} (<[email]>, [email].)'
    assert entry["path"].endswith("[email]")  # `/` may be in a local part: taken with it
    local_part, domain = address.split("@")
    assert local_part not in line and domain.split(".")[0] not in line


@pytest.mark.parametrize("address", QUOTED_ADDRESSES)
def test_a_quoted_local_part_is_masked(address: str) -> None:
    line = JsonFormatter().format(record(f"refused by {address}: no such user"))
    assert json.loads(line)["message"] == "refused by [email]: no such user"


MANY_EXAMPLES = hypothesis.settings(max_examples=300, deadline=None)
_LOCAL_CHARS = st.characters(categories=("L", "N"), include_characters="!#$%&'*+-/=?^_`{|}~")
_LABELS = st.text(st.characters(categories=("L",)), min_size=1, max_size=10)
accepted_addresses = st.builds(
    lambda local, labels: f"{local}@{'.'.join(labels)}",
    st.text(_LOCAL_CHARS, min_size=1, max_size=20),
    st.lists(_LABELS, min_size=2, max_size=3),
).filter(lambda address: normalized_email(address) is not None)
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@MANY_EXAMPLES
@given(before=any_text, address=accepted_addresses, after=any_text)
def test_an_accepted_address_is_masked_in_any_text(before: str, address: str, after: str) -> None:
    line = JsonFormatter().format(record(f"{before} {address} {after}"))
    message = json.loads(line)["message"]
    assert "[email]" in message
    assert address not in message and normalized_email(address) not in message


@MANY_EXAMPLES
@given(st.lists(st.one_of(any_text, st.sampled_from(["@", "%40", "\\", '"', ".org"]))))
def test_a_masked_line_is_still_one_json_object(parts: list[str]) -> None:
    """Whatever a line holds (backslashes and quotes next to `@`), a mask never splits one
    of its JSON escapes."""
    line = JsonFormatter().format(record("".join(parts), extra_field="".join(reversed(parts))))
    assert isinstance(json.loads(line), dict)


def test_masking_a_long_run_of_address_characters_is_quick() -> None:
    """Searched through the line, the old pattern took seconds for a 30 KB run."""
    started = time.perf_counter()
    line = JsonFormatter().format(record("x" * 200_000 + "@example.org " + "y@" * 50_000))
    assert time.perf_counter() - started < 1
    assert json.loads(line)["message"].startswith("x" * 1000)


def test_an_exception_stays_on_one_line() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        entry = record("failed")
        entry.exc_info = sys.exc_info()
    line = JsonFormatter().format(entry)
    assert "\n" not in line
    assert "ValueError: broken" in json.loads(line)["exception"]


def test_libraries_that_log_parameters_stay_quiet_at_debug() -> None:
    code = (
        "import logging, json; from badgekit_api.logging_config import configure_logging;"
        "configure_logging('DEBUG');"
        "names = ['badgekit_api.security.auth', 'uvicorn.error', 'sqlalchemy.engine.Engine', "
        "'aiosqlite', 'asyncpg', 'httpx', 'httpcore.http11', 'python_multipart.multipart'];"
        "print(json.dumps({n: logging.getLogger(n).getEffectiveLevel() for n in names}))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    levels = json.loads(output.stdout)
    assert levels.pop("badgekit_api.security.auth") == logging.DEBUG
    assert levels.pop("uvicorn.error") == logging.DEBUG
    assert set(levels.values()) == {logging.WARNING}, levels
    assert logging_config("INFO")["loggers"]["uvicorn.access"]["level"] == "WARNING"


def test_the_engine_does_not_echo_sql(app: FastAPI) -> None:
    assert not app.state.engine.sync_engine.echo
    assert app.state.engine.sync_engine.hide_parameters is True


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/systems/chicago/instances/earner%40example.org", "/systems/chicago/instances/{email}"),
        ("/no/such/earner@example.org/here", "/no/such/{email}/here"),
    ],
)
def test_an_unrouted_path_loses_its_emails(path: str, shown: str) -> None:
    assert loggable_path({"type": "http", "path": path}) == shown


def test_a_routed_path_loses_its_codes_and_emails_but_keeps_its_slugs() -> None:
    scope = {
        "type": "http",
        "path": "/systems/chicago/badges/reader/codes/open sesame/claim",
        "path_params": {"system_slug": "chicago", "badge_slug": "reader", "code": "open sesame"},
    }
    assert loggable_path(scope) == "/systems/chicago/badges/reader/codes/{code}/claim"


def test_an_email_with_a_slash_is_hidden_whole() -> None:
    scope = {
        "type": "http",
        "path": "/systems/chicago/instances/ana/lee@example.org",
        "raw_path": b"/systems/chicago/instances/ana%2Flee@example.org",
        "path_params": {"system_slug": "chicago", "email": "ana/lee@example.org"},
    }
    assert loggable_path(scope) == "/systems/chicago/instances/{email}"
    del scope["path_params"]  # a request no route matched
    assert loggable_path(scope) == "/systems/chicago/instances/{email}"


# The request log and X-Request-Id.


@pytest.fixture
async def logged(settings: Settings) -> AsyncIterator[tuple[FastAPI, list[logging.LogRecord]]]:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, entry: logging.LogRecord) -> None:
            records.append(entry)

    handler = Keep()
    logger = logging.getLogger("badgekit_api")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    async with app_with(settings, max_body_bytes=100) as app:

        @app.get("/test-only/crash/{email}")
        async def crash(email: str) -> None:
            raise RuntimeError(f"crashed for {email}")

        try:
            yield app, records
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)


def request_lines(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    return [entry for entry in records if entry.name == "badgekit_api.requests"]


async def test_every_response_has_a_request_id_and_one_log_line(
    logged: tuple[FastAPI, list[logging.LogRecord]],
) -> None:
    app, records = logged
    async with client_of(app) as anon:
        responses = [
            await anon.get("/systems", headers=token_header("GET", "/systems")),
            await anon.get("/systems?email=someone@example.org"),  # 403
            await anon.get("/no/such/route"),
            await anon.post("/systems", content=b"x" * 500),  # 413 before the app
            await anon.get("/test-only/crash/victim@example.org"),
        ]
    assert [response.status_code for response in responses] == [200, 403, 404, 413, 500]
    ids = [response.headers["x-request-id"] for response in responses]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)
    lines = request_lines(records)
    assert [(line.method, line.path, line.status) for line in lines] == [  # type: ignore[attr-defined]
        ("GET", "/systems", 200),
        ("GET", "/systems", 403),
        ("GET", "/no/such/route", 404),
        ("POST", "/systems", 413),
        ("GET", "/test-only/crash/{email}", 500),
    ]
    assert all(line.duration_ms >= 0 for line in lines)  # type: ignore[attr-defined]
    formatted = [JsonFormatter().format(entry) for entry in records]
    assert not any("example.org" in line for line in formatted), formatted


async def test_a_sane_incoming_request_id_is_kept_and_others_replaced(
    logged: tuple[FastAPI, list[logging.LogRecord]],
) -> None:
    app, _records = logged
    async with client_of(app) as anon:
        kept = await anon.get("/", headers={"X-Request-Id": "lb-7f3a-0001"})
        assert kept.headers["x-request-id"] == "lb-7f3a-0001"
        for insane in ("a" * 65, "has space", "new\\nline", 'quote"', "x;y"):
            response = await anon.get("/", headers={"X-Request-Id": insane})
            assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"]), insane


# The whole server at DEBUG, through a representative workload.

EMAILS = [
    "owner.secret@example.org",
    "claimer.secret@example.org",
    "earner.secret@example.org",
    "querier.secret@example.org",
    "learner.secret@example.org",
    "ünï.secret@exämple.org",  # an internationalised earner
]
# A receiver refuses the event with an answer that names addresses, which the worker logs.
REFUSING_ANSWER = '{"error": "unknown earners ünï.refused@exämple.org, \\"a b\\"@example.org"}'
REFUSED = ["ünï.refused", "exämple.org", '"a b"@example.org', "a b"]
WEBHOOK_SECRET = "webhook-signing-secret-0123456789-abcdefgh"


async def _current_private_key_forms(app: FastAPI) -> list[str]:
    """The chicago system's current private key as a leak would spell it."""
    async with app.state.session_factory() as session, session.begin():
        system = await session.scalar(select(System).where(System.slug == "chicago"))
        assert system is not None
        key = await signing_key(session, system, origin="http://127.0.0.1")
    raw = key.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return [base64.urlsafe_b64encode(raw).decode().rstrip("="), base64.b64encode(raw).decode()]


async def _use_the_keys(http: httpx.AsyncClient, app: FastAPI) -> list[str]:
    """DID document, status list, rotation, status list again; returns both private keys."""
    assert (await http.get("/public/systems/chicago/did.json")).status_code == 200
    assert (await http.get("/public/systems/chicago/status/0")).status_code == 200
    # An award's 3.0 credential in both forms, and the verifier reading it.
    held = (await http.get(f"/systems/chicago/instances/{EMAILS[2]}")).json()["instances"][0]
    for params in ({"v": "3"}, {"v": "3", "format": "jwt"}):
        credential = await http.get(urlsplit(held["credentialUrl"]).path, params=params)
        assert credential.status_code == 200, credential.text
        checked = await http.post("/public/verify", content=credential.content)
        assert checked.status_code == 200, checked.text
    first = await _current_private_key_forms(app)
    assert (await http.post("/systems/chicago/keys/rotate", json={})).status_code == 200
    assert (await http.get("/systems/chicago/keys")).status_code == 200
    assert (await http.get("/public/systems/chicago/status/0")).status_code == 200
    return first + await _current_private_key_forms(app)


@pytest.mark.e2e
async def test_debug_logs_of_a_real_server_hold_no_emails_tokens_or_secrets(
    app: FastAPI,
    settings: Settings,
    tmp_path: Path,
) -> None:
    log_path = tmp_path / "server.log"
    env = {"LOG_LEVEL": "DEBUG", "WEBHOOK_WORKER": "true", "WEBHOOK_POLL_SECONDS": "0.2"}
    env["MAX_BODY_BYTES"] = str(64 * 1024)
    tokens: list[str] = []

    async def keep_token(request: httpx.Request) -> None:
        tokens.append(request.headers["authorization"].split('"')[1])

    server = running_server(settings.database_url, extra_env=env, log_path=str(log_path))
    async with loopback_receiver() as receiver, loopback_receiver() as refusing:
        refusing.status, refusing.answer = 400, REFUSING_ANSWER.encode()
        base_url = await asyncio.to_thread(server.__enter__)
        try:
            hooks = {"request": [signing_hook("master", TEST_SECRET), keep_token]}
            async with httpx.AsyncClient(base_url=base_url, event_hooks=hooks) as http:
                receivers = [receiver.url, refusing.url]
                secrets = await _workload(http, base_url, receivers, tokens)
                secrets += await _use_the_keys(http, app)
                await wait_until(lambda: _delivered(receiver), timeout=20)
                await wait_until(lambda: _refusal_logged(log_path), timeout=20)
                await asyncio.sleep(0.5)  # the delivery's own log lines
        finally:
            await asyncio.to_thread(server.__exit__, None, None, None)
    text = log_path.read_text(encoding="utf-8")
    lines = [orjson.loads(line) for line in text.splitlines()]  # each line is one JSON object
    requests = [line for line in lines if line["logger"] == "badgekit_api.requests"]
    assert len(requests) >= 15
    for line in requests:
        assert {"time", "level", "logger", "message", "request_id", "method", "path"} <= set(line)
        assert {"status", "duration_ms"} <= set(line)
        assert "?" not in line["path"]
    assert any(line["path"].endswith("/instances/{email}") for line in requests)
    assert any(line["path"].endswith("/codes/{code}/claim") for line in requests)
    assert any(line["level"] == "DEBUG" or line["logger"].startswith("uvicorn") for line in lines)
    forbidden = [*EMAILS, *map(quote, EMAILS), *REFUSED, TEST_SECRET, WEBHOOK_SECRET]
    forbidden.append(TEST_KEY_ENCRYPTION_KEY)
    forbidden += [*secrets, *tokens]
    forbidden += [email.split("@")[0] for email in EMAILS]
    assert len(tokens) >= 15
    leaks = [value for value in forbidden if value in text]
    assert leaks == [], leaks
    [refusal] = [line for line in lines if "HTTP 400" in line["message"]][:1]
    assert "unknown earners [email]," in refusal["message"]  # the answer's start, masked
    assert refusal["message"].count("[email]") == 2
    assert "SELECT" not in text and "INSERT" not in text


async def _delivered(receiver: Any) -> bool:
    return bool(receiver.calls)


async def _refusal_logged(log_path: Path) -> bool:
    return "HTTP 400" in log_path.read_text(encoding="utf-8")


async def _workload(
    http: httpx.AsyncClient, base_url: str, receiver_urls: list[str], tokens: list[str]
) -> list[str]:
    """Requests that carry emails, secrets and tokens; returns the secrets made on the way."""

    async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
        assert response.status_code == status, response.text
        return response.json()  # type: ignore[no-any-return]

    system = {"slug": "chicago", "name": "Chicago", "url": "https://chicago.example.org"}
    await ok(await http.post("/systems", json={**system, "email": EMAILS[0]}), 201)
    badge = {
        "name": "Python Basics",
        "earnerDescription": "Write a program.",
        "consumerDescription": "Has written a program.",
        "criteriaUrl": "https://chicago.example.org/criteria",
        "unique": False,
        "type": "skill",
        "imageUrl": "https://cdn.example.org/python.png",
    }
    badges = "/systems/chicago/badges"
    await ok(await http.post(badges, json=badge), 201)
    for receiver_url in receiver_urls:
        hook = {"url": receiver_url, "secret": WEBHOOK_SECRET}
        await ok(await http.post("/systems/chicago/webhooks", json=hook), 201)
    codes = f"{badges}/python-basics/codes"
    await ok(await http.post(codes, json={"code": "sesame-secret-code"}), 201)
    await ok(await http.post(f"{codes}/sesame-secret-code/claim", json={"email": EMAILS[1]}))
    await ok(await http.post(f"{codes}/sesame-secret-code/claim", json={"email": EMAILS[1]}), 400)
    await ok(await http.post(f"{badges}/python-basics/instances", json={"email": EMAILS[2]}), 201)
    await ok(await http.get(f"/systems/chicago/instances/{EMAILS[2]}"))
    await ok(await http.get(f"{badges}/python-basics/instances/{EMAILS[2]}"))
    await ok(await http.post(f"{badges}/python-basics/instances", json={"email": EMAILS[5]}), 201)
    await ok(await http.get(f"/systems/chicago/instances/{EMAILS[5]}"))
    await ok(await http.get(f"/systems/chicago/instances/{quote(EMAILS[5])}"))
    await ok(await http.get(f"/systems?email={EMAILS[3]}&token=query-secret"))
    application = {"learner": EMAILS[4], "evidence": [{"url": "https://e.example.org/1"}]}
    await ok(await http.post(f"{badges}/python-basics/applications", json=application), 201)
    await ok(await http.get(f"{badges}/python-basics/applications?email={EMAILS[4]}"))
    consumer = (await ok(await http.post("/consumers", json={"system": "chicago"}), 201))[
        "consumer"
    ]
    rotated = (await ok(await http.post(f"/consumers/{consumer['key']}/rotate")))["consumer"]
    header = sign_request(
        "GET", "/systems/chicago", None, key=consumer["key"], secret=rotated["secret"]
    )
    tokens.append(header.split('"')[1])
    async with httpx.AsyncClient(base_url=base_url) as unsigned:
        await ok(await unsigned.get("/systems/chicago", headers={"Authorization": header}))
        expired = token_header("GET", "/systems", exp=int(time.time()) - 10)
        tokens.append(expired["Authorization"].split('"')[1])
        await ok(await unsigned.get("/systems", headers=expired), 403)
        wrong = token_header("GET", "/systems", secret=consumer["secret"] * 2)
        tokens.append(wrong["Authorization"].split('"')[1])
        await ok(await unsigned.get("/systems", headers=wrong), 403)
        big = io.BytesIO(b'{"email": "' + EMAILS[0].encode() + b'"' + b" " * 70_000 + b"}")
        await ok(await unsigned.post("/systems", content=big.getvalue()), 413)
    return [consumer["secret"], rotated["secret"], "sesame-secret-code", "query-secret"]
