"""`/systems/{system}/issuers/{issuer}/programs` (programs.md): contract plus program rules."""

from __future__ import annotations

import httpx
import pytest

from tests.container_contract import PROGRAMS, ContainerContract
from tests.factories.containers import create_issuer, create_program, create_system


class TestPrograms(ContainerContract):
    level = PROGRAMS


async def test_program_slugs_are_unique_within_their_issuer_only(
    client: httpx.AsyncClient,
) -> None:
    await create_system(client)
    await create_issuer(client, slug="library")
    await create_issuer(client, slug="museum")
    await create_program(client, issuer="library", slug="readers")
    await create_program(client, issuer="museum", slug="readers")
    duplicate = await client.post(
        "/systems/chicago/issuers/library/programs",
        json={"slug": "readers", "name": "Again", "url": "https://again.example.org"},
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["message"] == "program with that `slug` already exists"
    renamed = await client.put(
        "/systems/chicago/issuers/museum/programs/readers", json={"slug": "visitors"}
    )
    assert renamed.status_code == 200


async def test_programs_of_another_issuer_are_invisible(client: httpx.AsyncClient) -> None:
    await create_system(client)
    await create_issuer(client, slug="library")
    await create_issuer(client, slug="museum")
    await create_program(client, issuer="library", slug="readers")
    assert (await client.get("/systems/chicago/issuers/museum/programs")).json() == {"programs": []}
    response = await client.get("/systems/chicago/issuers/museum/programs/readers")
    assert response.status_code == 404
    assert response.json()["message"] == "Could not find program field: `slug`, value: `readers`"


UNKNOWN_ABOVE = [
    ("/systems/nowhere/issuers/library/programs", "system", "nowhere"),
    ("/systems/chicago/issuers/nobody/programs", "issuer", "nobody"),
]
REQUESTS = [
    (method, path + suffix, model, value)
    for path, model, value in UNKNOWN_ABOVE
    for method, suffix in [
        ("GET", ""),
        ("POST", ""),
        ("GET", "/readers"),
        ("PUT", "/readers"),
        ("DELETE", "/readers"),
    ]
]


@pytest.mark.parametrize(("method", "path", "model", "value"), REQUESTS)
async def test_an_unknown_container_above_is_a_404(
    client: httpx.AsyncClient, method: str, path: str, model: str, value: str
) -> None:
    await create_system(client)
    await create_issuer(client)
    body = {"slug": "readers", "name": "Readers", "url": "https://readers.example.org"}
    response = await client.request(method, path, json=body if method in ("POST", "PUT") else None)
    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": f"Could not find {model} field: `slug`, value: `{value}`",
    }
