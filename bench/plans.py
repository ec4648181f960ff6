"""Pre-built requests and the plan files the wrk script reads.

A request is serialized once, before any load, with its JWT, its `X-Request-Id` (its index
in the plan, echoed by the server so each answer is matched to it), the statuses that
count as success, and bytes a successful body must contain (else it is a wrong result).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from badgekit_api.security.signing import sign_request

OK = frozenset({200})
CREATED = frozenset({201})


@dataclass(frozen=True, slots=True)
class Call:
    """One request to make: what it is, what success looks like, and an optional tag
    (e.g. the index of the claim code it claims) reported back with its status."""

    method: str
    path: str
    body: object | None = None
    signed: bool = True
    ok: frozenset[int] = OK
    expect: bytes = b""
    tag: int = -1
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Signer:
    key: str
    secret: str
    host: str

    def serialize(self, call: Call, request_id: int) -> bytes:
        body = orjson.dumps(call.body) if call.body is not None else None
        lines = [f"{call.method} {call.path} HTTP/1.1", f"Host: {self.host}"]
        lines.append(f"X-Request-Id: {request_id}")
        if call.signed:
            # No `exp`: a token made before the run must still be good at its end.
            authorization = sign_request(
                call.method, call.path, body, key=self.key, secret=self.secret
            )
            lines.append(f"Authorization: {authorization}")
        lines += [f"{name}: {value}" for name, value in call.headers]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


SENTINEL = Call("GET", "/", signed=False)


_LUA_MAGIC = frozenset(b"^$()%.[]*+-?")
_JSON_PUNCTUATION = frozenset(b":,{[")


def expectation_pattern(expect: bytes) -> bytes:
    """A Lua pattern finding the JSON fragment `expect` in a body however the JSON is
    spaced: PostgreSQL writes `"key" : value`, MariaDB `"key": value, ...`, SQLite and
    orjson `"key":value` (all the same JSON)."""
    pattern = bytearray()
    for byte in expect:
        if byte == ord(":"):
            pattern += b"%s*"
        if byte in _LUA_MAGIC:
            pattern += b"%"
        pattern.append(byte)
        if byte in _JSON_PUNCTUATION:
            pattern += b"%s*"
    return bytes(pattern)


def write_plan(path: Path, calls: Sequence[Call], signer: Signer) -> None:
    """Write the plan: entry 0 is a harmless `GET /` (see plan.lua), then `calls`."""
    with path.open("wb") as out:
        for index, call in enumerate([SENTINEL, *calls]):
            raw = signer.serialize(call, index)
            ok = ",".join(str(status) for status in sorted(call.ok))
            expect = expectation_pattern(call.expect)
            out.write(f"{len(raw)} {ok} {call.tag} {len(expect)}\n".encode())
            out.write(expect)
            out.write(raw)


def interleave(*groups: Sequence[Call], pattern: Iterable[int], total: int) -> list[Call]:
    """`total` calls taking from `groups` in the order `pattern` (group indexes) repeats."""
    order = list(pattern)
    positions = [0] * len(groups)
    calls: list[Call] = []
    while len(calls) < total:
        for group_index in order:
            group = groups[group_index]
            calls.append(group[positions[group_index] % len(group)])
            positions[group_index] += 1
            if len(calls) == total:
                break
    return calls
