"""Finding and renaming `#/components/schemas/...` references in a JSON document."""

from __future__ import annotations

from typing import Any

COMPONENTS = "#/components/schemas/"


def referenced(node: Any) -> set[str]:
    """The names of the component schemas that `node` refers to."""
    if isinstance(node, dict):
        found = {
            value.removeprefix(COMPONENTS)
            for key, value in node.items()
            if key == "$ref" and isinstance(value, str) and value.startswith(COMPONENTS)
        }
        for value in node.values():
            found |= referenced(value)
        return found
    if isinstance(node, list):
        return set().union(*(referenced(item) for item in node))
    return set()


def rename_refs(node: Any, renames: dict[str, str]) -> Any:
    """A copy of `node` whose references to component `old` point at `renames[old]`."""
    if isinstance(node, dict):
        return {
            key: _renamed(value, renames) if key == "$ref" else rename_refs(value, renames)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [rename_refs(item, renames) for item in node]
    return node


def _renamed(ref: Any, renames: dict[str, str]) -> Any:
    if not isinstance(ref, str) or not ref.startswith(COMPONENTS):
        return ref
    name = ref.removeprefix(COMPONENTS)
    return COMPONENTS + renames.get(name, name)
