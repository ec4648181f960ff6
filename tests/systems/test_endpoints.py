"""`/systems` (systems.md): the shared contract plus what only systems do."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.container_contract import SYSTEMS, ContainerContract, image_path
from tests.factories.containers import create_issuer, create_program, create_system
from tests.factories.images import png_bytes
from tests.support import count_queries


class TestSystems(ContainerContract):
    level = SYSTEMS


async def test_a_system_shows_its_issuers_and_their_programs(client: httpx.AsyncClient) -> None:
    system = await create_system(client)
    issuer = await create_issuer(client, email="issuer@example.org")
    program = await create_program(client, description="Reading club")
    response = await client.get("/systems/chicago")
    assert response.json() == {
        "system": {
            **system,
            "issuers": [
                {
                    **issuer,
                    "email": "issuer@example.org",
                    "programs": [{**program, "description": "Reading club"}],
                }
            ],
        }
    }
    assert (await client.get("/systems")).json() == {"systems": [response.json()["system"]]}


async def test_deleting_a_system_deletes_its_issuers_programs_and_their_images(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await create_system(client)
    upload = {"image": ("logo.png", png_bytes(), "image/png")}
    issuer = await client.post(
        "/systems/chicago/issuers",
        data={"slug": "library", "name": "Library", "url": "https://library.example.org"},
        files=upload,
    )
    program = await client.post(
        "/systems/chicago/issuers/library/programs",
        data={"slug": "readers", "name": "Readers", "url": "https://readers.example.org"},
        files=upload,
    )
    images = [issuer.json()["issuer"]["imageUrl"], program.json()["program"]["imageUrl"]]

    response = await client.delete("/systems/chicago")
    assert response.status_code == 200
    [shown_issuer] = response.json()["system"]["issuers"]
    assert [p["slug"] for p in shown_issuer["programs"]] == ["readers"]

    for url in images:
        assert (await anon.get(image_path(url))).status_code == 404
    await create_system(client)  # the same slug again starts empty
    assert (await client.get("/systems/chicago/issuers")).json() == {"issuers": []}
    gone = await client.get("/systems/chicago/issuers/library/programs")
    assert gone.json()["message"] == "Could not find issuer field: `slug`, value: `library`"


async def test_listing_costs_the_same_queries_whatever_its_size(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    async def queries_for_listing() -> int:
        with count_queries(engine) as counter:
            assert (await client.get("/systems")).status_code == 200
        return counter.count

    # Every level has an image, so no eager load is skipped for lack of rows.
    image = {"image": "https://cdn.example.org/logo.png"}
    await create_system(client, "one", **image)
    await create_issuer(client, "one", "i1", **image)
    await create_program(client, "one", "i1", "p1", **image)
    small = await queries_for_listing()
    for n in range(2, 5):
        await create_system(client, f"s{n}", **image)
        for i in range(2):
            await create_issuer(client, f"s{n}", f"i{i}", **image)
            await create_program(client, f"s{n}", f"i{i}", "p", **image)
    assert await queries_for_listing() == small
