"""List fields of a request body that hold at most as many items as a setting says.

A body model declares the limit once, on the field (`Annotated[Labels, MaxItems(
"max_badge_tags")]`); the body dependency checks it whatever the encoding, and the OpenAPI
document shows it as `maxItems`, with the value this server is configured with.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from badgekit_api.config import Settings
from badgekit_api.errors import ValidationFailed

# Where the schema of a limited field names its setting, until the document is completed.
SETTING_KEY = "x-max-items-setting"


@dataclass(frozen=True, slots=True)
class MaxItems:
    """Field metadata: the list holds at most `Settings.<setting>` items."""

    setting: str

    def __post_init__(self) -> None:
        # A misspelt setting would otherwise only show as a 500 on the first request.
        if self.setting not in Settings.model_fields:
            raise ValueError(f"MaxItems names no setting: {self.setting}")

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema[SETTING_KEY] = self.setting
        return json_schema


@cache
def _limited_fields(model: type[BaseModel]) -> tuple[tuple[str, str, str], ...]:
    """(attribute, wire name, setting) of each limited list of `model`: found once per
    model, since every body of every write is checked."""
    return tuple(
        (name, field.alias or name, meta.setting)
        for name, field in model.model_fields.items()
        for meta in field.metadata
        if isinstance(meta, MaxItems)
    )


def check_max_items(body: BaseModel, settings: Settings) -> None:
    """A 400 naming every limited list of `body` that holds too many items."""
    refused = []
    for name, wire_name, setting in _limited_fields(type(body)):
        items = getattr(body, name)
        most: int = getattr(settings, setting)
        if items is not None and len(items) > most:
            refused.append(
                {
                    "field": wire_name,
                    "value": len(items),
                    "message": f"At most {most} items are accepted",
                }
            )
    if refused:
        raise ValidationFailed(refused)


def declare_max_items(node: Any, settings: Settings) -> None:
    """Turn every setting a schema in `node` names into that setting's `maxItems`."""
    if isinstance(node, dict):
        setting = node.pop(SETTING_KEY, None)
        if setting is not None:
            node["maxItems"] = getattr(settings, setting)
        children: Any = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return
    for child in children:
        declare_max_items(child, settings)
