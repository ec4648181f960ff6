"""Request heads past 16 KB or 100 headers get a 431 from the real server, before the app
runs and before the rest is read; the largest legitimate head still gets through (issue 15,
defect 12: uvicorn took a 200 KB header and 5,000 headers)."""

from __future__ import annotations

import asyncio
import select
import socket
import time
from urllib.parse import urlsplit

import httpx
import orjson
import pytest

from badgekit_api.http.header_limits import MAX_HEAD_BYTES, MAX_HEADERS
from badgekit_api.security.signing import sign_request
from tests.support import TEST_SECRET

pytestmark = pytest.mark.e2e

SLUG = "s" * 50  # the longest slug the API accepts
EMAIL = "e" * 64 + "@" + ".".join(["d" * 60] * 3) + ".org"  # 250 characters


def send_head(base_url: str, head: bytes, piece: int = 4096) -> tuple[bytes, int]:
    """Send `head` piece by piece, stopping as soon as the server answers; return its
    answer and how many bytes had been sent by then."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sent = 0
        while sent < len(head):
            sock.sendall(head[sent : sent + piece])
            sent += piece
            if select.select([sock], [], [], 0.05)[0]:
                break
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer, min(sent, len(head))


def request_head(headers: list[tuple[str, str]], target: str = "/healthcheck") -> bytes:
    lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def assert_431(answer: bytes) -> None:
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 431 Request Header Fields Too Large", answer[:200]
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert b"x-content-type-options: nosniff" in headers.lower()
    assert orjson.loads(body)["code"] == "RequestHeaderFieldsTooLarge"


async def test_the_largest_legitimate_head_gets_through(live_server: str) -> None:
    """A token for the longest path the API has, with a query, `jti` and `exp`, beside the
    headers a browser and two proxies send."""
    path = (
        f"/systems/{SLUG}/issuers/{SLUG}/programs/{SLUG}/badges/{SLUG}/instances/{EMAIL}"
        f"?page=2147483647&count=500&archived=any"
    )
    authorization = sign_request(
        "GET",
        path,
        None,
        key="master",
        secret=TEST_SECRET,
        exp=int(time.time()) + 3600,
        jti="0" * 32,
    )
    assert len(authorization) < 2048
    headers = {
        "Authorization": authorization,
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " + "x" * 200,
        "Accept": "application/json, text/plain, */*",
        "Accept-Language": "en-GB,en;q=0.9,fr;q=0.8,de;q=0.7",
        "Cookie": "; ".join(f"c{n}={'v' * 60}" for n in range(40)),  # about 2.7 KB
        "X-Forwarded-For": ", ".join(f"198.51.100.{n}" for n in range(1, 20)),
        "Traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01",
        **{f"X-Extra-Header-{n}": "v" * 100 for n in range(MAX_HEADERS - 20)},
    }
    async with httpx.AsyncClient(base_url=live_server) as http:
        request = http.build_request("GET", path, headers=headers)
        head_size = sum(len(name) + len(value) + 4 for name, value in request.headers.raw)
        assert 8 * 1024 < head_size < MAX_HEAD_BYTES
        answer = await http.send(request)
    assert answer.status_code == 404, answer.text  # the token was checked: nothing there
    assert answer.json()["code"] == "ResourceNotFound"


@pytest.mark.parametrize(
    "headers",
    [
        [("X-Big", "x" * 200_000)],
        [(f"X-H{n}", "1") for n in range(5_000)],
        [("X-Big", "x" * (MAX_HEAD_BYTES + 1))],
    ],
    ids=["a 200 KB header", "5000 headers", "just over 16 KB"],
)
async def test_a_head_too_large_is_a_431_before_it_is_all_read(
    live_server: str, headers: list[tuple[str, str]]
) -> None:
    head = request_head(headers)
    answer, sent = await asyncio.to_thread(send_head, live_server, head)
    assert_431(answer)
    assert sent <= MAX_HEAD_BYTES + 2 * 4096 or sent == len(head) < 4 * MAX_HEAD_BYTES
    async with httpx.AsyncClient(base_url=live_server) as http:
        assert (await http.get("/healthcheck")).status_code == 200  # the server is fine


async def test_a_head_sent_at_once_is_judged_as_a_whole(live_server: str) -> None:
    """Under both limits, in one write: served; one header more than allowed: a 431."""
    fits = request_head([(f"X-H{n}", "v" * 40) for n in range(MAX_HEADERS - 5)])
    answer, _ = await asyncio.to_thread(send_head, live_server, fits, len(fits))
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
    too_many = request_head([(f"X-H{n}", "v") for n in range(MAX_HEADERS + 1)])
    answer, _ = await asyncio.to_thread(send_head, live_server, too_many, len(too_many))
    assert_431(answer)
