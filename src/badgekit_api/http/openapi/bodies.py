"""Request bodies: each `Body(Model)` model as JSON, urlencoded and multipart content.

The same model is read from all three encodings (see `body.py`). Only multipart can carry
files, so a model with a file field (an `UploadFile` in its type, like `ImageInput`) gets a
second component, `<Model>-Multipart`, where that field also accepts a binary part; models
that differ only in such nested models get one too, and all others share one component.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema
from starlette.datastructures import UploadFile

from badgekit_api.fields import URL_JSON_SCHEMA
from badgekit_api.http.openapi.refs import COMPONENTS, referenced, rename_refs

MULTIPART_SUFFIX = "-Multipart"
JSON = "application/json"
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
MEDIA_TYPES = (JSON, URLENCODED, MULTIPART)

FORM_NOTE = (
    "Send JSON, or a form: urlencoded, or multipart/form-data to upload files. In a form, "
    "nested fields use bracketed names (`criteria[0][description]`, `evidence[1][url]`) and "
    "list items repeat their name or end it in `[]` (`tags[]=a&tags[]=b`)."
)
URL_SCHEMA: dict[str, Any] = URL_JSON_SCHEMA
FILE_SCHEMA: dict[str, Any] = {"type": "string", "format": "binary"}


def _type_members(annotation: Any) -> set[Any]:
    """The members of a union (`X | Y | None`), or the type itself."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set(typing.get_args(annotation))
    return {annotation}


def _file_field_schema(annotation: Any, *, uploads: bool) -> dict[str, Any] | None:
    """The schema of a field whose type includes `UploadFile`, for one kind of body."""
    members = _type_members(annotation)
    if UploadFile not in members:
        return None
    choices: list[dict[str, Any]] = []
    if uploads:
        choices.append({**FILE_SCHEMA, "description": "An uploaded file"})
    if str in members:
        choices.append({**URL_SCHEMA, "description": "The http(s) URL of the file"})
    if type(None) in members:
        choices.append({"type": "null"})
    if not choices:
        # A file-only field that can't be left out: no JSON or urlencoded body can satisfy it.
        return {"not": {}}
    return choices[0] if len(choices) == 1 else {"anyOf": choices}


def _property_name(name: str, field: Any) -> str:
    alias = field.validation_alias
    if isinstance(alias, str):
        return alias
    return field.alias or name


class _BodySchema(GenerateJsonSchema):
    """Pydantic's validation schema, with file fields described for one kind of body."""

    uploads: ClassVar[bool] = False

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        properties = json_schema.get("properties", {})
        for name, field in schema["cls"].model_fields.items():
            key = _property_name(name, field)
            described = _file_field_schema(field.annotation, uploads=self.uploads)
            if described is None or key not in properties:
                continue
            kept = {k: v for k, v in properties[key].items() if k in ("title", "default")}
            properties[key] = {**described, **kept}
        return json_schema


class _MultipartBodySchema(_BodySchema):
    uploads = True


@dataclass(frozen=True, slots=True)
class BodySchemas:
    """Component schemas for a set of body models, and the content of each model's body."""

    components: dict[str, Any]
    content: dict[type[BaseModel], dict[str, Any]]

    def request_body(self, model: type[BaseModel]) -> dict[str, Any]:
        return {
            "description": FORM_NOTE,
            "required": any(field.is_required() for field in model.model_fields.values()),
            "content": self.content[model],
        }


def _generate(
    models: list[type[BaseModel]], generator: type[GenerateJsonSchema], suffix: str
) -> tuple[dict[type[BaseModel], str], dict[str, Any]]:
    refs, definitions = models_json_schema(
        [(model, "validation") for model in models],
        ref_template=COMPONENTS + "{model}" + suffix,
        schema_generator=generator,
    )
    names: dict[type[BaseModel], str] = {}
    for (model, _), schema in refs.items():
        assert isinstance(model, type) and issubclass(model, BaseModel)
        names[model] = schema["$ref"].removeprefix(COMPONENTS)
    defs = {name + suffix: schema for name, schema in definitions.get("$defs", {}).items()}
    return names, defs


def _multipart_variants(plain: dict[str, Any], multipart: dict[str, Any]) -> set[str]:
    """The multipart components that really differ from their plain twin."""
    base = {name: name.removesuffix(MULTIPART_SUFFIX) for name in multipart}
    differ = {
        name
        for name, schema in multipart.items()
        if rename_refs(schema, base) != plain.get(base[name])
    }
    changed = True
    while changed:  # a model differs too when a model it nests differs
        changed = False
        for name, schema in multipart.items():
            if name not in differ and referenced(schema) & differ:
                differ.add(name)
                changed = True
    return differ


def body_schemas(
    models: Iterable[type[BaseModel]], taken: Mapping[str, Any] | None = None
) -> BodySchemas:
    """Describe every body model in the three encodings, sharing components where equal.

    `taken` are the components already in the document (response models): a body component
    with the same name and another schema is renamed `<Name>-Body`.
    """
    ordered = list(dict.fromkeys(models))
    if not ordered:
        return BodySchemas(components={}, content={})
    names, plain = _generate(ordered, _BodySchema, "")
    multipart_names, multipart = _generate(ordered, _MultipartBodySchema, MULTIPART_SUFFIX)
    variants = _multipart_variants(plain, multipart)
    shared = {
        name: name.removesuffix(MULTIPART_SUFFIX) for name in multipart if name not in variants
    }
    components = {
        **plain,
        **{name: rename_refs(multipart[name], shared) for name in sorted(variants)},
    }
    content = {}
    for model in ordered:
        multipart_name = multipart_names[model]
        schema = {"$ref": COMPONENTS + names[model]}
        content[model] = {
            JSON: {"schema": schema},
            URLENCODED: {"schema": schema},
            MULTIPART: {
                "schema": {"$ref": COMPONENTS + shared.get(multipart_name, multipart_name)}
            },
        }
    named = _without_clashes(BodySchemas(components=components, content=content), taken or {})
    return BodySchemas(components=_titled(named.components), content=named.content)


def _titled(components: dict[str, Any]) -> dict[str, Any]:
    """Each component titled with its own name: client generators name their classes after
    the title, and a multipart twin or a renamed body keeps its model's title otherwise."""
    return {name: {**schema, "title": name} for name, schema in components.items()}


def _without_clashes(schemas: BodySchemas, taken: Mapping[str, Any]) -> BodySchemas:
    renames = {
        name: f"{name}-Body"
        for name, schema in schemas.components.items()
        if name in taken and taken[name] != schema
    }
    if not renames:
        return schemas
    return BodySchemas(
        components={
            renames.get(name, name): rename_refs(schema, renames)
            for name, schema in schemas.components.items()
        },
        content={model: rename_refs(media, renames) for model, media in schemas.content.items()},
    )
