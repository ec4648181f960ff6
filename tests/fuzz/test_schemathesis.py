"""Schemathesis against a live server: generated requests, valid and invalid, for every
operation of `/openapi.json`, each signed the BadgeKit way.

Every answer must be a non-5xx, with a status, content type and body that the document
describes. The short run is part of the suite; the deep run (`make fuzz`) is marked `slow`.
"""

from __future__ import annotations

import os
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
from badgekit_api.main import create_app
from tests.fuzz.seed import seed
from tests.fuzz.signing import BadgeKitAuth
from tests.support import TEST_SECRET

SHORT_RUN_EXAMPLES = 15
# httptools (uvicorn's parser) refuses request lines from 64 KiB up.
MAX_URL_BYTES = 60_000
# `make fuzz` sets these. The coverage phase (boundary and invalid values of every field)
# costs seconds per operation to build, even at collection: only the deep run has it.
DEEP_RUN = os.environ.get("FUZZ_DEEP") == "1"
DEEP_RUN_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
# A regular expression to fuzz only some paths, e.g. `FUZZ_PATHS='/badges'`.
DEEP_RUN_PATHS = os.environ.get("FUZZ_PATHS")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
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


def flatmap_path_parameters(
    _context: schemathesis.HookContext, path_parameters: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """Half the cases name only seeded rows, a quarter miss exactly one, a quarter none."""
    names = sorted(name for name in path_parameters or {} if name in KNOWN)
    if not names:
        return st.just(path_parameters)
    known = {**path_parameters, **{name: KNOWN[name] for name in names}}
    one_missing = st.sampled_from(names).map(lambda name: {**known, name: path_parameters[name]})
    return st.one_of(st.just(known), st.just(known), one_missing, st.just(path_parameters))


def filter_case(_context: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    """Leave out URLs longer than the HTTP server reads: uvicorn answers those itself (a
    plain-text 400) before the application sees them, so they test uvicorn, not the API."""
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


def _call_and_validate(case: schemathesis.Case, base_url: str, http: requests.Session) -> None:
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


@pytest.mark.e2e
@short_schema.parametrize()
@settings(
    max_examples=SHORT_RUN_EXAMPLES,
    deadline=None,
    suppress_health_check=HEALTH_CHECKS,
    database=None,
)
def test_short_run(case: schemathesis.Case, seeded: str, http: requests.Session) -> None:
    _call_and_validate(case, seeded, http)


@pytest.mark.slow
@pytest.mark.e2e
@deep_schema.parametrize()
@settings(max_examples=DEEP_RUN_EXAMPLES, deadline=None, suppress_health_check=HEALTH_CHECKS)
def test_deep_run(case: schemathesis.Case, seeded: str, http: requests.Session) -> None:
    _call_and_validate(case, seeded, http)
