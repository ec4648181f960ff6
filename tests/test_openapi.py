"""`/openapi.json`: complete (every route, body, error and security requirement) and valid."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, routing
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator
from pydantic import BaseModel, TypeAdapter, ValidationError

from badgekit_api.config import Settings
from badgekit_api.errors import InvalidParameter
from badgekit_api.fields import URL_PATTERN, Url
from badgekit_api.http.body import BodyDependency
from badgekit_api.http.openapi.bodies import MEDIA_TYPES, body_schemas
from badgekit_api.http.query_flags import FLAG_PATTERN, either_flag
from badgekit_api.main import create_app
from tests.factories.badges import badge_body
from tests.factories.containers import create_system

PUBLIC = re.compile(r"^/($|healthcheck$|public/)")
REF = "#/components/schemas/"


def _routes(app: FastAPI) -> Iterator[Any]:
    contexts = getattr(routing, "iter_route_contexts", iter)(app.routes)
    for context in contexts:
        route = getattr(context, "original_route", context)
        if isinstance(route, routing.APIRoute) and route.include_in_schema:
            yield context


def _body_model(route: Any) -> type[BaseModel] | None:
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        if isinstance(dependant.call, BodyDependency):
            return dependant.call.model
        pending.extend(dependant.dependencies)
    return None


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].removeprefix(REF)]
    return schema


def _formats(document: dict[str, Any], node: Any, seen: set[str] | None = None) -> set[str]:
    """Every `format` used in a schema, following references."""
    seen = set() if seen is None else seen
    if isinstance(node, list):
        return set().union(*(_formats(document, item, seen) for item in node))
    if not isinstance(node, dict):
        return set()
    if "$ref" in node:
        name = node["$ref"].removeprefix(REF)
        if name in seen:
            return set()
        seen.add(name)
        return _formats(document, document["components"]["schemas"][name], seen)
    found = {node["format"]} if isinstance(node.get("format"), str) else set()
    return found.union(*(_formats(document, value, seen) for value in node.values()))


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    OpenAPIV31SpecValidator(document).validate()


async def test_the_served_document_is_the_completed_one(
    anon: httpx.AsyncClient, document: dict[str, Any]
) -> None:
    response = await anon.get("/openapi.json")
    assert response.status_code == 200
    assert response.json() == document


def test_every_route_appears_with_every_method(app: FastAPI, document: dict[str, Any]) -> None:
    expected = {
        (route.path_format, method.lower())
        for route in _routes(app)
        if route.include_in_schema
        for method in route.methods
    }
    documented = {(path, method) for path, method, _ in _operations(document)}
    assert documented == expected
    assert len(expected) > 100  # every level of every scoped router is there


def test_operation_ids_are_unique_and_not_warned_about() -> None:
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", master_secret="x" * 40)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fresh = create_app(settings).openapi()
    assert not [warning for warning in caught if "Duplicate Operation ID" in str(warning.message)]
    ids = [operation["operationId"] for _, _, operation in _operations(fresh)]
    assert len(ids) == len(set(ids))


def test_every_path_parameter_is_declared(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        declared = {
            item["name"] for item in operation.get("parameters", []) if item["in"] == "path"
        }
        assert declared == set(re.findall(r"{(\w+)}", path)), f"{method} {path}"


async def test_signed_operations_require_the_jwt_and_public_ones_do_not(
    anon: httpx.AsyncClient, document: dict[str, Any]
) -> None:
    scheme = document["components"]["securitySchemes"]["BadgeKitJWT"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "security" not in document
    for path, method, operation in _operations(document):
        # Ask the server itself: without a token a signed route answers 403 before anything.
        response = await anon.request(method, re.sub(r"{\w+}", "x", path))
        refused = response.status_code == 403 and response.json()["code"] == "NotAuthorized"
        assert refused == (PUBLIC.match(path) is None), f"{method} {path}"
        if refused:
            assert operation["security"] == [{"BadgeKitJWT": []}], f"{method} {path}"
            assert "403" in operation["responses"]
        else:
            assert "security" not in operation, f"{method} {path}"
            assert "403" not in operation["responses"]


# Operations that read their body raw (not a form or JSON model): what they take is
# described by hand (`openapi_extra`), and they answer no 404/409/415 of a model's body.
RAW_BODIES = {("post", "/public/verify")}


def test_raw_body_operations_describe_what_they_take(document: dict[str, Any]) -> None:
    for method, path in RAW_BODIES:
        body = document["paths"][path][method]["requestBody"]
        assert body["required"] is True
        assert {"application/json", "image/png", "image/svg+xml"} <= set(body["content"])


def test_operations_reading_a_body_describe_it_in_three_encodings(
    app: FastAPI, document: dict[str, Any]
) -> None:
    bodied = 0
    for route in _routes(app):
        model = _body_model(route)
        for method in route.methods:
            operation = document["paths"][route.path_format][method.lower()]
            if (method.lower(), route.path_format) in RAW_BODIES:
                continue
            if model is None:
                assert "requestBody" not in operation, f"{method} {route.path_format}"
                continue
            bodied += 1
            content = operation["requestBody"]["content"]
            # A bulk award also takes a spreadsheet (`text/csv`), read by its own rules.
            extra = ["text/csv"] if route.path_format.endswith("/instances/bulk") else []
            assert sorted(content) == sorted([*MEDIA_TYPES, *extra])
            for media_type in MEDIA_TYPES:
                title = _resolve(document, content[media_type]["schema"])["title"]
                assert title.removesuffix("-Multipart") == model.__name__
            # Only multipart carries files, and it has its own component only when it does.
            assert content["application/json"] == content["application/x-www-form-urlencoded"]
            assert "binary" not in _formats(document, content["application/json"]["schema"])
            multipart = content["multipart/form-data"]["schema"]
            has_files = "binary" in _formats(document, multipart)
            assert has_files == multipart["$ref"].endswith("-Multipart")
            required = any(field.is_required() for field in model.model_fields.values())
            assert operation["requestBody"]["required"] == required
    assert bodied > 40


def _property(document: dict[str, Any], path: str, media_type: str, name: str) -> Any:
    content = document["paths"][path]["post"]["requestBody"]["content"]
    return _resolve(document, content[media_type]["schema"])["properties"][name]


@pytest.mark.parametrize("path", ["/systems", "/systems/{system_slug}/badges"])
def test_an_image_is_a_url_in_json_and_forms_and_a_file_or_url_in_multipart(
    document: dict[str, Any], path: str
) -> None:
    for media_type in ("application/json", "application/x-www-form-urlencoded"):
        image = _property(document, path, media_type, "image")
        assert [choice.get("format") for choice in image["anyOf"]] == ["uri", None]
    image = _property(document, path, "multipart/form-data", "image")
    assert [choice.get("format") for choice in image["anyOf"]] == ["binary", "uri", None]


def test_every_component_has_a_title_of_its_own(document: dict[str, Any]) -> None:
    """Client generators name a class after a component's title, spelt as an identifier:
    two components whose titles read alike would be one class (and one of them lost)."""
    schemas = document["components"]["schemas"]
    as_class_names = [
        re.sub(r"[^a-z0-9]", "", schema["title"].lower()) for schema in schemas.values()
    ]
    assert len(set(as_class_names)) == len(schemas)
    assert [name for name, schema in schemas.items() if schema["title"] != name] == []


def _query_parameters(document: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [
        parameter
        for _, _, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and parameter["name"] == name
    ]


def test_paging_and_version_parameters_are_typed(document: dict[str, Any]) -> None:
    pages, counts = _query_parameters(document, "page"), _query_parameters(document, "count")
    versions = _query_parameters(document, "v")
    assert len(pages) == len(counts) > 20
    assert versions
    for parameter in pages + counts:
        assert parameter["schema"]["type"] == "integer"
        assert parameter["schema"]["minimum"] == 1
        assert parameter["description"]
    for parameter in versions:
        assert parameter["schema"]["enum"] == ["1", "2"]


async def test_the_largest_documented_page_is_served_and_one_more_per_page_is_not(
    client: httpx.AsyncClient, document: dict[str, Any]
) -> None:
    schemas = {
        item["name"]: item["schema"] for item in document["paths"]["/systems"]["get"]["parameters"]
    }
    page, count = schemas["page"]["maximum"], schemas["count"]["maximum"]
    served = await client.get(f"/systems?page={page}&count={count}")
    assert served.status_code == 200, served.text
    assert served.json()["systems"] == []
    # Past the documented bounds is a 400, each parameter given alone too (it was ignored).
    for query, parameter in [
        (f"page=1&count={count + 1}", "count"),
        (f"count={count + 1}", "count"),
        (f"page={page + 1}&count=1", "page"),
        (f"page={page + 1}", "page"),
    ]:
        refused = await client.get(f"/systems?{query}")
        assert refused.status_code == 400, query
        assert refused.json()["parameter"] == parameter, query


@pytest.mark.parametrize(
    "value", ["true", " TRUE ", "1", "0", "False", "any", "ANY", "", "yes", "10", "truee", "t"]
)
def test_the_flag_pattern_takes_exactly_what_the_flag_parameters_take(value: str) -> None:
    try:
        either_flag("archived", value)
        taken = True
    except InvalidParameter:
        taken = False
    assert bool(re.match(FLAG_PATTERN, value)) == taken


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org",
        " HTTP://example.org/a?b#c ",
        "http://a",
        "ftp://example.org",
        "https://",
        "https:///path",
        "https://exa mple.org",
        "example.org",
        "",
    ],
)
def test_the_url_pattern_takes_what_url_fields_take(value: str) -> None:
    try:
        TypeAdapter(Url).validate_python(value)
        taken = True
    except ValidationError:
        taken = False
    assert bool(re.match(URL_PATTERN, value)) == taken


@pytest.mark.parametrize("component", ["BadgeCreate", "BadgeCreate-Multipart"])
def test_a_new_badge_needs_an_image_or_an_image_url(
    document: dict[str, Any], component: str
) -> None:
    schema = document["components"]["schemas"][component]
    assert not {"image", "imageUrl"} & set(schema["required"])
    # What the schema adds to the listed properties, checked on its own (it names no $ref).
    either = Draft202012Validator({"not": schema["not"]})
    assert not either.is_valid({"name": "Maths"})
    assert not either.is_valid({"image": None, "imageUrl": None})
    assert either.is_valid({"imageUrl": "https://example.org/maths.png"})
    assert either.is_valid({"image": "https://example.org/maths.png", "imageUrl": None})


async def test_the_server_refuses_a_new_badge_without_an_image(client: httpx.AsyncClient) -> None:
    await create_system(client)
    response = await client.post("/systems/chicago/badges", json=badge_body(imageUrl=None))
    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["details"]] == ["image"]


def test_error_answers_are_documented_with_the_badgekit_body(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["BadgeKitErrorBody"]["required"] == ["code", "message"]
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        where = f"{method} {path}"
        assert "422" not in responses, where
        expected = {"400", "413", "431", "500"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation and (method, path) not in RAW_BODIES:
            expected |= {"404", "415"}
            if method in ("post", "put"):
                expected.add("409")
        if "security" in operation:
            expected |= {"403", "429"}
            assert "Retry-After" in responses["429"]["headers"], where
        assert expected <= set(responses), where
        for status in expected:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": f"{REF}BadgeKitErrorBody"}, where


def test_success_answers_keep_their_status_and_model(document: dict[str, Any]) -> None:
    create = document["paths"]["/systems/{system_slug}/badges"]["post"]["responses"]
    assert create["201"]["content"]["application/json"]["schema"] == {"$ref": f"{REF}BadgeChanged"}
    listing = document["paths"]["/systems"]["get"]["responses"]
    assert listing["200"]["content"]["application/json"]["schema"] == {"$ref": f"{REF}SystemList"}


def test_answers_written_by_the_database_document_their_model(document: dict[str, Any]) -> None:
    """Badges, instances and claim codes answer with JSON the database wrote
    (`JsonTextResponse`); their operations still name the model the answer follows."""
    expected = {
        ("/systems/{system_slug}/badges", "get"): "BadgeList",
        ("/systems/{system_slug}/badges/{badge_slug}", "put"): "BadgeChanged",
        ("/systems/{system_slug}/badges/{badge_slug}/codes", "get"): "ClaimCodeList",
        ("/systems/{system_slug}/codes/{code}", "get"): "ClaimedBadgeEnvelope",
        ("/systems/{system_slug}/badges/{badge_slug}/instances/{email}", "delete"): (
            "InstanceChanged"
        ),
    }
    for (path, method), model in expected.items():
        responses = document["paths"][path][method]["responses"]
        [success] = [status for status in responses if status.startswith("2")]
        schema = responses[success]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"{REF}{model}"}, (path, method)
    for path, method, operation in _operations(document):
        mine = "/badges" in path or "/codes" in path
        if path.startswith("/systems/") and mine and "/applications" not in path:
            successes = [status for status in operation["responses"] if status.startswith("2")]
            for status in successes:
                content = operation["responses"][status].get("content", {})
                schema = content.get("application/json", {}).get("schema", {})
                # One model, or one of several (a bulk award's JSON or CSV answer).
                named = [schema] if "anyOf" not in schema else schema["anyOf"]
                assert named and all("$ref" in each for each in named), (method, path, status)


def test_body_components_are_shared_unless_multipart_differs() -> None:
    from starlette.datastructures import UploadFile

    class Leaf(BaseModel):
        name: str

    class WithFile(BaseModel):
        upload: UploadFile | str | None = None

        model_config = {"arbitrary_types_allowed": True}

    class Outer(BaseModel):
        leaf: Leaf
        items: list[WithFile] = []

    schemas = body_schemas([Outer, Leaf])
    assert sorted(schemas.components) == [
        "Leaf",
        "Outer",
        "Outer-Multipart",
        "WithFile",
        "WithFile-Multipart",
    ]
    assert schemas.content[Leaf]["multipart/form-data"] == {"schema": {"$ref": f"{REF}Leaf"}}
    multipart_outer = schemas.components["Outer-Multipart"]
    assert multipart_outer["properties"]["leaf"] == {"$ref": f"{REF}Leaf"}
    assert multipart_outer["properties"]["items"]["items"] == {"$ref": f"{REF}WithFile-Multipart"}
    upload = schemas.components["WithFile-Multipart"]["properties"]["upload"]
    assert [choice.get("format") for choice in upload["anyOf"]] == ["binary", "uri", None]


def test_a_body_component_named_like_a_response_component_is_renamed() -> None:
    class Clash(BaseModel):
        wanted: int

    schemas = body_schemas([Clash], taken={"Clash": {"type": "object", "title": "Other"}})
    assert "Clash" not in schemas.components
    assert schemas.components["Clash-Body"]["properties"]["wanted"]["type"] == "integer"
    assert schemas.content[Clash]["application/json"] == {"schema": {"$ref": f"{REF}Clash-Body"}}


def test_routes_added_later_are_completed_too() -> None:
    from fastapi import APIRouter

    from badgekit_api.http.body import Body

    class Late(BaseModel):
        name: str

    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", master_secret="x" * 40)
    fresh = create_app(settings)
    first = fresh.openapi()
    assert fresh.openapi() is first  # completed once, then served as it is
    late = APIRouter()

    @late.post("/late")
    async def create_late(data: Late = Body(Late)) -> dict[str, str]:
        return {"name": data.name}

    fresh.include_router(late)
    operation = fresh.openapi()["paths"]["/late"]["post"]
    assert sorted(operation["requestBody"]["content"]) == sorted(MEDIA_TYPES)
    assert "422" not in operation["responses"]
