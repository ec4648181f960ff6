"""A badge's lists (criteria, alignments, categories, tags) as an update changes them: which
rows stay and are edited, which are new, which go.

The badge's rows as they stand come from the update's start statement (`queries.EDITED`):
the ids of its criteria and alignments, the ids and values of its categories and tags.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from badgekit_api.badges.schemas import AlignmentInput, CriterionInput
from badgekit_api.errors import ValidationFailed

ItemT = TypeVar("ItemT", CriterionInput, AlignmentInput)


@dataclass(slots=True)
class ListChange:
    """The rows of one list to delete (ids), to edit (each with its `id`) and to add."""

    deleted: list[int] = field(default_factory=list)
    edited: list[dict[str, Any]] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)


def criterion(item: CriterionInput) -> dict[str, Any]:
    """A criterion row's columns from `item`."""
    return {"description": item.description, "required": bool(item.required), "note": item.note}


def alignment(item: AlignmentInput) -> dict[str, Any]:
    return {"name": item.name, "url": item.url, "description": item.description}


def merge_by_id(
    field_name: str,
    current: Sequence[int],
    items: Sequence[ItemT],
    columns: Callable[[ItemT], dict[str, Any]],
) -> ListChange:
    """Items with an `id` edit that row, items without one add a row; rows of `current`
    (ids) that no item names are deleted. An `id` that is not one of `current`'s, or that
    is named twice, is a validation error."""
    left = set(current)
    change = ListChange()
    for index, item in enumerate(items):
        if item.id is None:
            change.added.append(columns(item))
            continue
        if item.id not in left:
            raise ValidationFailed.field(
                f"{field_name}.{index}.id",
                item.id,
                "Not an id of this badge's items (or given twice)",
            )
        left.discard(item.id)
        change.edited.append({"id": item.id, **columns(item)})
    change.deleted = [row_id for row_id in current if row_id in left]
    return change


def merge_labels(current: Sequence[dict[str, Any]], values: Sequence[str]) -> ListChange:
    """Rows for `values`, keeping the existing row (and its id) of a value already there;
    `current` holds each row's `id` and `value`."""
    by_value = {row["value"]: row["id"] for row in current}
    kept: set[int] = set()
    change = ListChange()
    for value in values:
        row_id = by_value.get(value)
        if row_id is None:
            change.added.append({"value": value})
        else:
            kept.add(row_id)
    change.deleted = [row["id"] for row in current if row["id"] not in kept]
    return change
