"""The contract every container level (system, issuer, program) keeps, written once.

`ContainerContract` holds the tests; `tests/systems/`, `tests/issuers/` and
`tests/programs/` each subclass it with their `Level`, and add what only their level does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx
import pytest

from tests.factories.containers import create_issuer, create_system
from tests.factories.images import png_bytes
from tests.support import BASE_URL

VALIDATION_MESSAGE = "Could not validate required fields"


@dataclass(frozen=True)
class Level:
    kind: str
    plural: str
    parent: str
    children: str | None
    create_parents: Callable[[httpx.AsyncClient], Awaitable[Any]]

    @property
    def collection(self) -> str:
        return f"{self.parent}/{self.plural}"

    def item(self, slug: str) -> str:
        return f"{self.collection}/{slug}"


async def _no_parents(_client: httpx.AsyncClient) -> None:
    return None


async def _system_and_issuer(client: httpx.AsyncClient) -> None:
    await create_system(client)
    await create_issuer(client)


SYSTEMS = Level("system", "systems", "", "issuers", _no_parents)
ISSUERS = Level("issuer", "issuers", "/systems/chicago", "programs", create_system)
PROGRAMS = Level(
    "program", "programs", "/systems/chicago/issuers/library", None, _system_and_issuer
)


def full_body(slug: str = "alpha", **fields: Any) -> dict[str, Any]:
    """Every documented input field, with `fields` overriding (None drops a field)."""
    body = {
        "slug": slug,
        "name": f"Name of {slug}",
        "url": f"https://{slug}.example.org/home",
        "description": f"All about {slug}.",
        "email": f"admin@{slug}.example.org",
    }
    body.update(fields)
    return {key: value for key, value in body.items() if value is not None}


def shown(
    level: Level, body: dict[str, Any], id_: int, image_url: str | None = None
) -> dict[str, Any]:
    """The resource as the docs show it, for a body created at `level`."""
    resource: dict[str, Any] = {
        "id": id_,
        "slug": body["slug"],
        "url": body["url"],
        "name": body["name"],
        "description": body.get("description"),
        "email": body.get("email"),
        "imageUrl": image_url,
    }
    if level.children:
        resource[level.children] = []
    return resource


def assert_validation_error(response: httpx.Response, field: str, value: Any = ...) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "ValidationError"
    assert body["message"] == VALIDATION_MESSAGE
    details = {detail["field"]: detail for detail in body["details"]}
    assert field in details, body
    assert isinstance(details[field]["message"], str) and details[field]["message"]
    if value is not ...:
        assert details[field]["value"] == value


def image_path(image_url: str) -> str:
    assert image_url.startswith(f"{BASE_URL}/public/images/"), image_url
    return image_url.removeprefix(BASE_URL)


def case(name: str, *values: Any) -> Any:
    return pytest.param(*values, id=name)


# Fields overriding a valid body (None removes one), and the field the error must name.
BAD_CREATE_INPUTS = [
    case("slug missing", {"slug": None}, "slug"),
    case("name missing", {"name": None}, "name"),
    case("url missing", {"url": None}, "url"),
    case("slug empty", {"slug": ""}, "slug"),
    case("slug over 50", {"slug": "s" * 51}, "slug"),
    case("slug with space", {"slug": "two words"}, "slug"),
    case("slug with slash", {"slug": "a/b"}, "slug"),
    case("name blank", {"name": "   "}, "name"),
    case("name over 255", {"name": "n" * 256}, "name"),
    case("description over 255", {"description": "d" * 256}, "description"),
    case("url without scheme", {"url": "www.example.org"}, "url"),
    case("url not http", {"url": "ftp://example.org/file"}, "url"),
    case("url without host", {"url": "https://"}, "url"),
    case("url with spaces", {"url": "https://exa mple.org"}, "url"),
    case("email without at", {"email": "admin.example.org"}, "email"),
    case("email without domain", {"email": "admin@"}, "email"),
    case("slug a number", {"slug": 42}, "slug"),
    case("name a list", {"name": ["Alpha"]}, "name"),
    case("url an object", {"url": {"href": "https://example.org"}}, "url"),
    case("description a number", {"description": 7}, "description"),
    case("email a boolean", {"email": True}, "email"),
    case("image not a url", {"image": "picture.png"}, "image"),
    case("image a number", {"image": 3}, "image"),
    case("imageUrl not http", {"imageUrl": "javascript:alert(1)"}, "imageUrl"),
]

BAD_UPDATE_INPUTS = [
    case("slug over 50", {"slug": "s" * 51}, "slug"),
    case("slug with space", {"slug": "two words"}, "slug"),
    case("name blank", {"name": ""}, "name"),
    case("name over 255", {"name": "n" * 256}, "name"),
    case("description over 255", {"description": "d" * 256}, "description"),
    case("url without scheme", {"url": "example.org"}, "url"),
    case("email invalid", {"email": "not-an-email"}, "email"),
    case("slug a number", {"slug": 42}, "slug"),
    case("image not a url", {"image": "picture.png"}, "image"),
    case("slug removed", {"slug": None}, "slug"),
    case("name removed", {"name": None}, "name"),
    case("url removed", {"url": None}, "url"),
]

MALFORMED_BODIES = [
    case("invalid JSON", b'{"slug": "alpha",', "application/json", 400, "ValidationError"),
    case("JSON array", b'[{"slug": "alpha"}]', "application/json", 400, "ValidationError"),
    case("JSON string", b'"alpha"', "application/json", 400, "ValidationError"),
    case("XML", b"<slug>alpha</slug>", "application/xml", 415, "UnsupportedMediaType"),
    case("binary", b"\x00\x01\x02", "application/octet-stream", 415, "UnsupportedMediaType"),
]


class ContainerContract:
    """Tests every container level passes; subclasses set `level`."""

    level: ClassVar[Level]

    @pytest.fixture(autouse=True)
    async def _parents(self, client: httpx.AsyncClient) -> None:
        await self.level.create_parents(client)

    async def _create(self, client: httpx.AsyncClient, slug: str = "alpha", **fields: Any) -> Any:
        response = await client.post(self.level.collection, json=full_body(slug, **fields))
        assert response.status_code == 201, response.text
        return response.json()[self.level.kind]

    async def _get(self, client: httpx.AsyncClient, slug: str = "alpha") -> Any:
        response = await client.get(self.level.item(slug))
        assert response.status_code == 200, response.text
        return response.json()[self.level.kind]

    async def _slugs(self, client: httpx.AsyncClient) -> list[str]:
        response = await client.get(self.level.collection)
        assert response.status_code == 200, response.text
        return [resource["slug"] for resource in response.json()[self.level.plural]]

    # create / get

    async def test_create_answers_201_with_the_documented_fields(
        self, client: httpx.AsyncClient
    ) -> None:
        body = full_body()
        response = await client.post(self.level.collection, json=body)
        assert response.status_code == 201
        assert response.headers["location"] == self.level.item("alpha")
        created = response.json()
        assert isinstance(created[self.level.kind]["id"], int)
        assert created == {
            "status": "created",
            self.level.kind: shown(self.level, body, created[self.level.kind]["id"]),
        }

    async def test_get_answers_the_resource_in_its_envelope(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await self._create(client)
        response = await client.get(self.level.item("alpha"))
        assert response.status_code == 200
        assert response.json() == {self.level.kind: created}

    async def test_optional_fields_may_be_left_out(self, client: httpx.AsyncClient) -> None:
        created = await self._create(client, description=None, email=None)
        assert created["description"] is None
        assert created["email"] is None
        assert created["imageUrl"] is None

    async def test_fields_at_their_maximum_length_are_kept_whole(
        self, client: httpx.AsyncClient
    ) -> None:
        slug, name, description = "s" * 50, "ñ" * 255, "é" * 255
        created = await self._create(client, slug, name=name, description=description)
        fetched = await self._get(client, slug)
        assert (fetched["slug"], fetched["name"], fetched["description"]) == (
            slug,
            name,
            description,
        )
        assert fetched == created

    async def test_create_from_an_urlencoded_form(self, client: httpx.AsyncClient) -> None:
        response = await client.post(self.level.collection, data=full_body())
        assert response.status_code == 201, response.text
        assert response.json()[self.level.kind] == shown(
            self.level, full_body(), response.json()[self.level.kind]["id"]
        )

    async def test_create_from_multipart_with_an_uploaded_image(
        self, client: httpx.AsyncClient, anon: httpx.AsyncClient
    ) -> None:
        image = png_bytes()
        response = await client.post(
            self.level.collection,
            data=full_body(),
            files={"image": ("logo.png", image, "image/png")},
        )
        assert response.status_code == 201, response.text
        created = response.json()[self.level.kind]
        assert created == shown(self.level, full_body(), created["id"], created["imageUrl"])
        served = await anon.get(image_path(created["imageUrl"]))
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/png"
        assert served.content == image

    async def test_image_given_as_a_url_is_shown_as_given(self, client: httpx.AsyncClient) -> None:
        by_image = await self._create(client, "alpha", image="https://cdn.example.org/a.png")
        by_image_url = await self._create(client, "beta", imageUrl="https://cdn.example.org/b.png")
        assert by_image["imageUrl"] == "https://cdn.example.org/a.png"
        assert by_image_url["imageUrl"] == "https://cdn.example.org/b.png"

    async def test_an_uploaded_file_that_is_not_an_image_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            self.level.collection,
            data=full_body(),
            files={"image": ("logo.png", b"just some text", "image/png")},
        )
        assert_validation_error(response, "image", "logo.png")
        assert await self._slugs(client) == []

    @pytest.mark.parametrize(("fields", "field"), BAD_CREATE_INPUTS)
    async def test_bad_input_on_create_is_a_400_and_creates_nothing(
        self, client: httpx.AsyncClient, fields: dict[str, Any], field: str
    ) -> None:
        response = await client.post(self.level.collection, json=full_body(**fields))
        sent = fields[field]
        assert_validation_error(response, field, sent if isinstance(sent, str | int) else ...)
        assert await self._slugs(client) == []

    @pytest.mark.parametrize(("raw", "content_type", "status", "code"), MALFORMED_BODIES)
    async def test_malformed_body_on_create_is_refused(
        self,
        client: httpx.AsyncClient,
        raw: bytes,
        content_type: str,
        status: int,
        code: str,
    ) -> None:
        response = await client.post(
            self.level.collection, content=raw, headers={"content-type": content_type}
        )
        assert response.status_code == status, response.text
        assert response.json()["code"] == code
        assert isinstance(response.json()["message"], str)
        assert await self._slugs(client) == []

    async def test_duplicate_slug_is_a_409_with_the_conflicting_fields(
        self, client: httpx.AsyncClient
    ) -> None:
        await self._create(client)
        again = full_body(name="Another name")
        response = await client.post(self.level.collection, json=again)
        assert response.status_code == 409
        message = f"{self.level.kind} with that `slug` already exists"
        assert response.json() == {
            "code": "ResourceConflict",
            "message": message,
            "error": message,
            "details": {
                key: again.get(key) for key in ("slug", "name", "url", "description", "email")
            },
        }
        assert (await self._get(client))["name"] == "Name of alpha"
        assert await self._slugs(client) == ["alpha"]

    # list

    async def test_list_is_in_creation_order_without_page_data(
        self, client: httpx.AsyncClient
    ) -> None:
        created = [await self._create(client, slug) for slug in ("beta", "alpha", "gamma")]
        response = await client.get(self.level.collection)
        assert response.status_code == 200
        assert response.json() == {self.level.plural: created}

    async def test_empty_list(self, client: httpx.AsyncClient) -> None:
        response = await client.get(self.level.collection)
        assert response.status_code == 200
        assert response.json() == {self.level.plural: []}

    @pytest.mark.parametrize(("page", "slugs"), [(1, ["s1", "s2"]), (2, ["s3"]), (3, []), (40, [])])
    async def test_list_pages_with_page_data(
        self, client: httpx.AsyncClient, page: int, slugs: list[str]
    ) -> None:
        for slug in ("s1", "s2", "s3"):
            await self._create(client, slug)
        response = await client.get(self.level.collection, params={"page": page, "count": 2})
        assert response.status_code == 200
        body = response.json()
        assert [resource["slug"] for resource in body[self.level.plural]] == slugs
        assert body["pageData"] == {"page": page, "count": 2, "total": 3}

    @pytest.mark.parametrize("query", ["page=1", "count=2"])
    async def test_page_or_count_alone_lists_everything(
        self, client: httpx.AsyncClient, query: str
    ) -> None:
        for slug in ("s1", "s2", "s3"):
            await self._create(client, slug)
        response = await client.get(f"{self.level.collection}?{query}")
        assert response.status_code == 200
        assert "pageData" not in response.json()
        assert len(response.json()[self.level.plural]) == 3

    # update

    async def test_update_changes_only_the_given_fields(self, client: httpx.AsyncClient) -> None:
        before = await self._create(client, image="https://cdn.example.org/a.png")
        response = await client.put(self.level.item("alpha"), json={"name": "Renamed"})
        assert response.status_code == 200
        expected = {**before, "name": "Renamed"}
        assert response.json() == {"status": "updated", self.level.kind: expected}
        assert await self._get(client) == expected

    async def test_update_from_an_urlencoded_form(self, client: httpx.AsyncClient) -> None:
        before = await self._create(client)
        changes = {"description": "Now with a form.", "email": "new@example.org"}
        response = await client.put(self.level.item("alpha"), data=changes)
        assert response.status_code == 200, response.text
        assert await self._get(client) == {**before, **changes}

    async def test_update_replaces_the_uploaded_image(
        self, client: httpx.AsyncClient, anon: httpx.AsyncClient
    ) -> None:
        first = await client.post(
            self.level.collection,
            data=full_body(),
            files={"image": ("a.png", png_bytes(255, 0, 0), "image/png")},
        )
        old_url = first.json()[self.level.kind]["imageUrl"]
        new_image = png_bytes(0, 0, 255)
        response = await client.put(
            self.level.item("alpha"), files={"image": ("b.png", new_image, "image/png")}
        )
        assert response.status_code == 200, response.text
        updated = response.json()[self.level.kind]
        assert updated == {**first.json()[self.level.kind], "imageUrl": updated["imageUrl"]}
        assert updated["imageUrl"] != old_url
        assert (await anon.get(image_path(updated["imageUrl"]))).content == new_image
        assert (await anon.get(image_path(old_url))).status_code == 404

    async def test_update_slug_moves_the_resource(self, client: httpx.AsyncClient) -> None:
        before = await self._create(client)
        response = await client.put(self.level.item("alpha"), json={"slug": "omega"})
        assert response.status_code == 200
        assert await self._get(client, "omega") == {**before, "slug": "omega"}
        assert (await client.get(self.level.item("alpha"))).status_code == 404

    async def test_update_to_its_own_slug_is_allowed(self, client: httpx.AsyncClient) -> None:
        before = await self._create(client)
        response = await client.put(self.level.item("alpha"), json={"slug": "alpha"})
        assert response.status_code == 200
        assert response.json()[self.level.kind] == before

    async def test_update_to_a_taken_slug_is_a_409_and_changes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        alpha = await self._create(client, "alpha")
        beta = await self._create(client, "beta")
        response = await client.put(
            self.level.item("alpha"), json={"slug": "beta", "name": "Hijack"}
        )
        assert response.status_code == 409
        assert response.json()["code"] == "ResourceConflict"
        assert response.json()["details"]["slug"] == "beta"
        assert await self._get(client, "alpha") == alpha
        assert await self._get(client, "beta") == beta

    @pytest.mark.parametrize(("fields", "field"), BAD_UPDATE_INPUTS)
    async def test_bad_input_on_update_is_a_400_and_changes_nothing(
        self, client: httpx.AsyncClient, fields: dict[str, Any], field: str
    ) -> None:
        before = await self._create(client)
        response = await client.put(self.level.item("alpha"), json={"name": "Changed", **fields})
        assert_validation_error(response, field, fields[field])
        assert await self._get(client) == before

    @pytest.mark.parametrize(("raw", "content_type", "status", "code"), MALFORMED_BODIES)
    async def test_malformed_body_on_update_is_refused(
        self,
        client: httpx.AsyncClient,
        raw: bytes,
        content_type: str,
        status: int,
        code: str,
    ) -> None:
        before = await self._create(client)
        response = await client.put(
            self.level.item("alpha"), content=raw, headers={"content-type": content_type}
        )
        assert response.status_code == status, response.text
        assert response.json()["code"] == code
        assert await self._get(client) == before

    # delete

    async def test_delete_answers_the_deleted_resource_and_removes_it(
        self, client: httpx.AsyncClient
    ) -> None:
        keep = await self._create(client, "keep")
        gone = await self._create(client, "alpha")
        response = await client.delete(self.level.item("alpha"))
        assert response.status_code == 200
        assert response.json() == {"status": "deleted", self.level.kind: gone}
        assert (await client.get(self.level.item("alpha"))).status_code == 404
        assert await self._slugs(client) == [keep["slug"]]

    async def test_delete_removes_the_uploaded_image(
        self, client: httpx.AsyncClient, anon: httpx.AsyncClient
    ) -> None:
        created = await client.post(
            self.level.collection,
            data=full_body(),
            files={"image": ("a.png", png_bytes(), "image/png")},
        )
        path = image_path(created.json()[self.level.kind]["imageUrl"])
        assert (await client.delete(self.level.item("alpha"))).status_code == 200
        assert (await anon.get(path)).status_code == 404

    # not found

    @pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
    async def test_unknown_slug_is_a_404_in_the_original_format(
        self, client: httpx.AsyncClient, method: str
    ) -> None:
        await self._create(client)
        body = {"json": {"name": "Nobody"}} if method == "PUT" else {}
        response = await client.request(method, self.level.item("nope"), **body)
        assert response.status_code == 404
        assert response.json() == {
            "code": "ResourceNotFound",
            "message": f"Could not find {self.level.kind} field: `slug`, value: `nope`",
        }
        assert await self._slugs(client) == ["alpha"]
