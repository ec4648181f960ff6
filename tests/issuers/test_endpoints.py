"""`/systems/{system}/issuers` (issuers.md): the shared contract plus issuer-only rules."""

from __future__ import annotations

import httpx
import pytest

from tests.container_contract import ISSUERS, ContainerContract, image_path
from tests.factories.containers import create_issuer, create_program, create_system
from tests.factories.images import png_bytes


class TestIssuers(ContainerContract):
    level = ISSUERS


async def test_issuer_slugs_are_unique_within_their_system_only(
    client: httpx.AsyncClient,
) -> None:
    await create_system(client, "chicago")
    await create_system(client, "pittsburgh")
    await create_issuer(client, "chicago", "library")
    await create_issuer(client, "pittsburgh", "library")
    duplicate = await client.post(
        "/systems/chicago/issuers",
        json={"slug": "library", "name": "Again", "url": "https://again.example.org"},
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["message"] == "issuer with that `slug` already exists"


async def test_an_issuer_may_take_a_slug_used_in_another_system(
    client: httpx.AsyncClient,
) -> None:
    await create_system(client, "chicago")
    await create_system(client, "pittsburgh")
    await create_issuer(client, "chicago", "library")
    await create_issuer(client, "pittsburgh", "museum")
    response = await client.put("/systems/pittsburgh/issuers/museum", json={"slug": "library"})
    assert response.status_code == 200
    assert response.json()["issuer"]["slug"] == "library"


async def test_issuers_of_another_system_are_invisible(client: httpx.AsyncClient) -> None:
    await create_system(client, "chicago")
    await create_system(client, "pittsburgh")
    await create_issuer(client, "chicago", "library")
    assert (await client.get("/systems/pittsburgh/issuers")).json() == {"issuers": []}
    response = await client.get("/systems/pittsburgh/issuers/library")
    assert response.status_code == 404
    assert response.json()["message"] == "Could not find issuer field: `slug`, value: `library`"
    assert (await client.delete("/systems/pittsburgh/issuers/library")).status_code == 404
    assert (await client.get("/systems/chicago/issuers/library")).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/systems/nowhere/issuers"),
        ("POST", "/systems/nowhere/issuers"),
        ("GET", "/systems/nowhere/issuers/library"),
        ("PUT", "/systems/nowhere/issuers/library"),
        ("DELETE", "/systems/nowhere/issuers/library"),
    ],
)
async def test_an_unknown_system_is_a_404(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    body = {"slug": "library", "name": "Library", "url": "https://library.example.org"}
    response = await client.request(method, path, json=body if method in ("POST", "PUT") else None)
    assert response.status_code == 404
    assert response.json() == {
        "code": "ResourceNotFound",
        "message": "Could not find system field: `slug`, value: `nowhere`",
    }


async def test_an_issuer_shows_its_programs(client: httpx.AsyncClient) -> None:
    await create_system(client)
    issuer = await create_issuer(client)
    first = await create_program(client, slug="readers")
    second = await create_program(client, slug="writers")
    expected = {**issuer, "programs": [first, second]}
    assert (await client.get("/systems/chicago/issuers/library")).json() == {"issuer": expected}
    assert (await client.get("/systems/chicago/issuers")).json() == {"issuers": [expected]}


async def test_deleting_an_issuer_deletes_its_programs_and_their_images(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_system(client)
    await create_issuer(client)
    program = await client.post(
        "/systems/chicago/issuers/library/programs",
        data={"slug": "readers", "name": "Readers", "url": "https://readers.example.org"},
        files={"image": ("logo.png", png_bytes(), "image/png")},
    )
    image = image_path(program.json()["program"]["imageUrl"])
    response = await client.delete("/systems/chicago/issuers/library")
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["issuer"]["programs"]] == ["readers"]
    assert (await anon.get(image)).status_code == 404
    assert (await client.get("/systems/chicago")).json()["system"]["issuers"] == []
    await create_issuer(client)  # the same slug again starts empty
    assert (await client.get("/systems/chicago/issuers/library/programs")).json() == {
        "programs": []
    }
