"""Awards' Open Badges 3.0 credentials fetched, verified and judged through the public API,
and by openbadgeslib with the key our DID document lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.keys.support import expected_did, public_prefix
from tests.openbadges.ob3.independent import run_driver
from tests.openbadges.support import Award

DRIVER = Path(__file__).with_name("openbadgeslib_driver.py")

VC_LD, VC_JWT = "application/vc+ld+json", "application/vc+jwt"


async def credential_json(anon: httpx.AsyncClient, awarded: Award) -> dict[str, Any]:
    response = await anon.get(f"/public/assertions/{awarded.slug}", params={"v": "3"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == VC_LD
    return response.json()  # type: ignore[no-any-return]


async def credential_jwt(anon: httpx.AsyncClient, awarded: Award) -> str:
    response = await anon.get(
        f"/public/assertions/{awarded.slug}", params={"v": "3", "format": "jwt"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == VC_JWT
    return response.text


async def verify(
    anon: httpx.AsyncClient, body: str | bytes | dict[str, Any], content_type: str = VC_LD
) -> dict[str, Any]:
    """Our /public/verify's report, each check by name."""
    data = body if isinstance(body, (str, bytes)) else None
    response = await anon.post(
        "/public/verify",
        content=data,
        json=None if data is not None else body,
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    report["byName"] = {check["name"]: check["passed"] for check in report["checks"]}
    return report


def both_formats(document: dict[str, Any], token: str) -> dict[str, dict[str, Any]]:
    return {
        "ldp": {"format": "ldp", "credential": document},
        "jwt": {"format": "jwt", "credential": token},
    }


async def served_files(anon: httpx.AsyncClient, level: str) -> dict[str, str]:
    """The level's DID document and first status lists, by the URLs a verifier reads them
    from (did:web resolves over https)."""
    prefix = public_prefix(level)
    files = {f"https://badges.test{prefix}/did.json": (await anon.get(f"{prefix}/did.json")).text}
    for number in (0, 1):
        listed = await anon.get(f"{prefix}/status/{number}")
        files[f"http://badges.test{prefix}/status/{number}"] = listed.text
    return files


async def openbadgeslib_verdicts(
    anon: httpx.AsyncClient, level: str, cases: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """openbadgeslib's verdict on each case: the key from the level's DID document (the
    one the proof names), the status list checked."""
    request = {
        "issuer_did": expected_did(level),
        "files": await served_files(anon, level),
        "cases": cases,
    }
    verdicts: dict[str, dict[str, Any]] = run_driver(DRIVER, request)
    return verdicts


async def openbadgeslib_accepts(
    anon: httpx.AsyncClient, level: str, cases: dict[str, dict[str, Any]]
) -> dict[str, bool]:
    verdicts = await openbadgeslib_verdicts(anon, level, cases)
    return {name: verdict["accepted"] for name, verdict in verdicts.items()}
