"""Schemathesis against a live server: generated requests, valid and invalid, for every
operation of `/openapi.json`, each signed the BadgeKit way.

Every answer must be a non-5xx, with a status, content type and body that the document
describes. The short run is part of the suite; the deep run (`make fuzz`) is marked `slow`.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from badgekit_api.config import Settings
from badgekit_api.http.header_limits import MAX_HEAD_BYTES
from badgekit_api.main import create_app
from tests.fuzz.seed import seed
from tests.fuzz.signing import BadgeKitAuth
from tests.support import TEST_SECRET

SHORT_RUN_EXAMPLES = 15
# `serve` answers a request head over MAX_HEAD_BYTES with a 431 before the API sees it;
# the URL leaves room for the other headers (the token is under 2 KB).
MAX_URL_BYTES = MAX_HEAD_BYTES - 4096
# `make fuzz` sets these. The coverage phase (boundary and invalid values of every field)
# costs seconds per operation to build, even at collection: only the deep run has it.
DEEP_RUN = os.environ.get("FUZZ_DEEP") == "1"
DEEP_RUN_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
# A regular expression to fuzz only some paths, e.g. `FUZZ_PATHS='/badges'`.
DEEP_RUN_PATHS = os.environ.get("FUZZ_PATHS")
# `FUZZ_CHECKS=all` runs every check schemathesis has (see docs/reliability.md for what
# they report); by default the four that every answer must pass.
CHECKS: list[Any] | None = (
    None
    if os.environ.get("FUZZ_CHECKS") == "all"
    else [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
)
# At least this share of the short run's cases must answer something else than a 404:
# the seeded path values are what takes them past the lookups to the handlers' real work.
MIN_SHARE_NOT_404 = 0.6
# Fewer cases than this (a `-k` selection) say nothing about the whole run.
MIN_CASES_FOR_SHARE = 500
# `seeded` runs once per operation on purpose: the data set is a starting point, not a reset.
HEALTH_CHECKS = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.filter_too_much,
    HealthCheck.data_too_large,
]

# The document the server serves: built from the same code, without touching a database.
DOCUMENT = create_app(
    Settings(database_url="sqlite+aiosqlite:///:memory:", master_secret=TEST_SECRET)
).openapi()


def _config(*, coverage: bool) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "generation": {
                "mode": "all",  # valid and invalid data
                # The fuzzer signs every request itself: a generated Authorization is noise.
                "with-security-parameters": False,
            },
            "phases": {"coverage": {"enabled": coverage}},
        }
    )


short_schema = schemathesis.openapi.from_dict(DOCUMENT, config=_config(coverage=False))
deep_schema = schemathesis.openapi.from_dict(DOCUMENT, config=_config(coverage=DEEP_RUN))
if DEEP_RUN_PATHS:
    deep_schema = deep_schema.include(path_regex=DEEP_RUN_PATHS)

# Values of the seeded rows, swapped into generated path parameters (see `seeded`).
KNOWN: dict[str, str] = {}
# The status of every answer in the short run, for `test_most_cases_got_past_the_lookups`.
SHORT_RUN_STATUSES: dict[str, Counter[int]] = defaultdict(Counter)


def flatmap_path_parameters(
    _context: schemathesis.HookContext, path_parameters: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """Three cases in four name only seeded rows, one in eight misses exactly one, one in
    eight names none."""
    names = sorted(name for name in path_parameters or {} if name in KNOWN)
    if not names:
        return st.just(path_parameters)
    known = {**path_parameters, **{name: KNOWN[name] for name in names}}

    # An index drawn from 0-7 rather than `one_of` six times `just(known)`: Hypothesis picks
    # the branches of a `one_of` far from evenly (a third of the cases were seeded).
    def pick(drawn: tuple[int, str]) -> dict[str, Any]:
        index, name = drawn
        if index < 6:
            return known
        return {**known, name: path_parameters[name]} if index == 6 else path_parameters

    return st.tuples(st.integers(0, 7), st.sampled_from(names)).map(pick)


def filter_case(_context: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    """Leave out URLs longer than the HTTP server reads: `serve` answers those itself (a
    431) before the application sees them, so they test the head limit, not the API."""
    query = urlencode(case.query or {}, doseq=True)
    return len(quote(case.formatted_path)) + len(query) < MAX_URL_BYTES


for _schema in (short_schema, deep_schema):
    _schema.hook(flatmap_path_parameters)
    _schema.hook(filter_case)


@pytest.fixture
def seeded(live_server: str) -> Iterator[str]:
    """Seed the (emptied) database before each operation's run; yield the server's URL."""
    KNOWN.clear()
    KNOWN.update(seed(live_server))
    yield live_server
    KNOWN.clear()


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _call_and_validate(
    case: schemathesis.Case, base_url: str, http: requests.Session
) -> requests.Response:
    response = case.call_and_validate(
        base_url=base_url,
        session=http,
        auth=BadgeKitAuth(),
        # A redirect answer is the response under test; never follow it off this machine.
        allow_redirects=False,
        checks=CHECKS,
    )
    # Every case is signed with the master key: a 403 would mean the signature and the
    # request as sent disagree, and the run would test nothing but the token check.
    assert response.status_code != 403, response.text
    return response


@pytest.mark.e2e
@short_schema.parametrize()
@settings(
    max_examples=SHORT_RUN_EXAMPLES,
    deadline=None,
    suppress_health_check=HEALTH_CHECKS,
    database=None,
)
def test_short_run(case: schemathesis.Case, seeded: str, http: requests.Session) -> None:
    response = _call_and_validate(case, seeded, http)
    SHORT_RUN_STATUSES[case.operation.label][response.status_code] += 1


@pytest.mark.e2e
def test_most_cases_got_past_the_lookups() -> None:
    """Runs after the short run (pytest keeps the order of a module's tests)."""
    statuses = sum(SHORT_RUN_STATUSES.values(), Counter[int]())
    cases = statuses.total()
    if cases < MIN_CASES_FOR_SHARE:
        pytest.skip(f"only {cases} short-run cases ran in this session")
    share = 1 - statuses[404] / cases
    assert share >= MIN_SHARE_NOT_404, dict(statuses)
    # ... and every operation had at least one case that found its rows.
    only_404 = [label for label, seen in SHORT_RUN_STATUSES.items() if set(seen) == {404}]
    assert only_404 == []


@pytest.mark.slow
@pytest.mark.e2e
@deep_schema.parametrize()
@settings(max_examples=DEEP_RUN_EXAMPLES, deadline=None, suppress_health_check=HEALTH_CHECKS)
def test_deep_run(case: schemathesis.Case, seeded: str, http: requests.Session) -> None:
    _call_and_validate(case, seeded, http)
