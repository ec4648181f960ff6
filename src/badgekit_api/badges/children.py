"""A badge's lists (criteria, alignments, categories, tags) rebuilt from a request."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from badgekit_api.badges.schemas import AlignmentInput, CriterionInput
from badgekit_api.errors import ValidationFailed
from badgekit_api.models import Alignment, BadgeCategory, BadgeTag, Criterion

RowT = TypeVar("RowT", Criterion, Alignment)
ItemT = TypeVar("ItemT", CriterionInput, AlignmentInput)
LabelT = TypeVar("LabelT", BadgeTag, BadgeCategory)


def criterion(item: CriterionInput, row: Criterion | None = None) -> Criterion:
    """A new criterion from `item`, or `row` edited to match it."""
    row = row or Criterion()
    row.description = item.description
    row.required = bool(item.required)
    row.note = item.note
    return row


def alignment(item: AlignmentInput, row: Alignment | None = None) -> Alignment:
    row = row or Alignment()
    row.name = item.name
    row.url = item.url
    row.description = item.description
    return row


def merge_by_id(
    field: str,
    current: Sequence[RowT],
    items: Sequence[ItemT],
    build: Callable[[ItemT, RowT | None], RowT],
) -> list[RowT]:
    """The new list: items with an `id` edit that row, items without one add a row.

    Rows of `current` that no item names are left out (and so deleted as orphans). An `id`
    that is not one of `current`'s, or that is named twice, is a validation error.
    """
    by_id = {row.id: row for row in current}
    merged: list[RowT] = []
    for index, item in enumerate(items):
        if item.id is None:
            merged.append(build(item, None))
            continue
        row = by_id.pop(item.id, None)
        if row is None:
            raise ValidationFailed.field(
                f"{field}.{index}.id", item.id, "Not an id of this badge's items (or given twice)"
            )
        merged.append(build(item, row))
    return merged


def merge_labels(
    current: Sequence[LabelT], values: Sequence[str], make: Callable[[str], LabelT]
) -> list[LabelT]:
    """Rows for `values`, keeping the existing row (and its id) of a value already there."""
    by_value = {row.value: row for row in current}
    return [by_value.get(value) or make(value) for value in values]


def new_tag(value: str) -> BadgeTag:
    return BadgeTag(value=value)


def new_category(value: str) -> BadgeCategory:
    return BadgeCategory(value=value)
