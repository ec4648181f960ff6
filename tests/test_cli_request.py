"""`badgekit-api request`, run as a user runs it (its own process) against a real server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.factories.badges import badge_body
from tests.factories.images import png_bytes
from tests.live_server import free_port
from tests.support import TEST_SECRET, CliRun, run_cli

CHICAGO = {"slug": "chicago", "name": "Chicago", "url": "https://chicago.example.org"}


@pytest.fixture
def request_(live_server: str, tmp_path: Path) -> Any:
    """`request ARGS` against the live server, signed with the master secret."""

    def send(*args: str, **env: str) -> CliRun:
        environment = {"MASTER_SECRET": TEST_SECRET, "BADGEKIT_URL": live_server, **env}
        return run_cli("request", *args, env=environment, cwd=tmp_path)

    return send


def answer(run: CliRun, status: str, code: int = 0) -> Any:
    assert run.code == code, run.stderr
    assert run.stderr.startswith(status), run.stderr
    return json.loads(run.stdout)


def test_get_prints_the_answer_as_pretty_json(request_: Any) -> None:
    run = request_("GET", "/systems?page=1&count=5")
    assert answer(run, "200 OK") == {
        "systems": [],
        "pageData": {"page": 1, "count": 5, "total": 0},
    }
    assert run.output.startswith('{\n  "systems": []')
    assert "\x1b[" not in run.output + run.stderr  # no colour codes when piped


def test_post_json_inline_and_from_a_file(request_: Any, tmp_path: Path) -> None:
    created = answer(request_("POST", "/systems", "-d", json.dumps(CHICAGO)), "201 Created")
    assert created["system"]["slug"] == "chicago"
    (tmp_path / "issuer.json").write_text(
        '{"slug": "library", "name": "Library", "url": "https://library.example.org"}'
    )
    answer(request_("POST", "/systems/chicago/issuers", "-d", "@issuer.json"), "201 Created")
    listed = answer(request_("GET", "/systems/chicago/issuers"), "200 OK")
    assert [issuer["slug"] for issuer in listed["issuers"]] == ["library"]


def test_a_badge_with_an_uploaded_image(request_: Any, tmp_path: Path) -> None:
    answer(request_("POST", "/systems", "-d", json.dumps(CHICAGO)), "201 Created")
    image = png_bytes(0, 128, 255)
    (tmp_path / "badge.png").write_bytes(image)
    fields = [
        f"{name}={value if isinstance(value, str) else json.dumps(value)}"
        for name, value in badge_body(imageUrl=None).items()
    ]
    run = request_(
        "POST",
        "/systems/chicago/badges",
        *(argument for field in fields for argument in ("-f", field)),
        "-F",
        "image=@badge.png",
    )
    badge = answer(run, "201 Created")["badge"]
    assert "Location: /systems/chicago/badges/python-basics" in run.stderr
    shown = answer(request_("GET", "/systems/chicago/badges/python-basics"), "200 OK")["badge"]
    assert shown["imageUrl"] == badge["imageUrl"]
    # The image comes back byte for byte (a binary answer goes to stdout as it is).
    image_path = "/" + badge["imageUrl"].split("/", 3)[3]
    served = request_("GET", image_path)
    assert (served.code, served.stdout) == (0, image)


def test_an_award_shows_where_its_assertion_is(request_: Any, live_server: str) -> None:
    answer(request_("POST", "/systems", "-d", json.dumps(CHICAGO)), "201 Created")
    badge = json.dumps(badge_body())
    answer(request_("POST", "/systems/chicago/badges", "-d", badge), "201 Created")
    run = request_(
        "POST", "/systems/chicago/badges/python-basics/instances", "-d", '{"email": "a@b.org"}'
    )
    slug = answer(run, "201 Created")["instance"]["slug"]
    # On one line however long, so it can be copied (or cut out by a script).
    assert f"\nLocation: {live_server}/public/assertions/{slug}\n" in run.stderr


def test_a_consumer_key_signs_for_its_own_system(request_: Any) -> None:
    answer(request_("POST", "/systems", "-d", json.dumps(CHICAGO)), "201 Created")
    consumer = answer(request_("POST", "/consumers", "-d", '{"system": "chicago"}'), "201 Created")[
        "consumer"
    ]
    own = ("--key", consumer["key"], "--secret", consumer["secret"])
    assert answer(request_("GET", "/systems/chicago", *own), "200 OK")["system"]["slug"] == (
        "chicago"
    )
    refused = answer(request_("GET", "/systems", *own), "403 Forbidden", code=4)
    assert refused["code"] == "NotAuthorized"


def test_an_error_answer_exits_with_its_class(request_: Any) -> None:
    missing = answer(request_("GET", "/systems/nowhere"), "404 Not Found", code=4)
    assert missing["code"] == "ResourceNotFound"
    invalid = answer(request_("POST", "/systems", "-d", '{"slug": "x"}'), "400", code=4)
    assert invalid["code"] == "ValidationError"


def test_status_in_colour_unless_no_color(request_: Any) -> None:
    coloured = request_("GET", "/systems", FORCE_COLOR="1")
    assert "\x1b[" in coloured.stderr
    plain = request_("GET", "/systems", FORCE_COLOR="1", NO_COLOR="1")
    assert "\x1b[" not in plain.stderr
    assert json.loads(plain.stdout) == {"systems": []}


def one_line_failure(run: CliRun, *words: str) -> None:
    assert run.code == 1, run
    assert run.stdout == b""
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    for word in words:
        assert word in run.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("POST", "/systems", "-d", "@nothing.json"), ("no such file", "nothing.json")),
        (("POST", "/systems", "-F", "image=@nothing.png"), ("no such file", "nothing.png")),
        (("POST", "/systems", "-f", "name"), ("name=value",)),
        (("POST", "/systems", "-d", "{}", "-f", "a=b"), ("not both",)),
        (("GET", "systems"), ("must start with /",)),
        (("GET", "/systems", "--url", "localhost:8080"), ("Bad server URL",)),
        (("GET", "/systems", "--key", "abc"), ("No secret", "abc")),
    ],
    ids=["no -d file", "no -F file", "field without =", "json and form", "path", "url", "secret"],
)
def test_mistakes_get_one_line(request_: Any, args: tuple[str, ...], words: tuple[str]) -> None:
    one_line_failure(request_(*args), *words)


def test_a_server_that_is_not_there(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    run = run_cli(
        "request", "GET", "/systems", "--url", url, env={"MASTER_SECRET": TEST_SECRET}, cwd=tmp_path
    )
    one_line_failure(run, "Cannot connect", url)
