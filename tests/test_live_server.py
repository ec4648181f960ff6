from __future__ import annotations

import httpx

from badgekit_api.security.signing import sign_request
from tests.support import TEST_SECRET


def test_real_server_answers_health_and_signed_requests(live_server: str) -> None:
    assert httpx.get(f"{live_server}/").json()["app"] == "BadgeKit API"
    unsigned = httpx.get(f"{live_server}/systems")
    assert unsigned.status_code == 403
    header = sign_request("GET", "/systems", None, key="master", secret=TEST_SECRET)
    signed = httpx.get(f"{live_server}/systems", headers={"Authorization": header})
    assert signed.status_code == 200
    assert signed.json() == {"systems": []}
