"""A review's items from a request, each checked against the badge's criteria."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from badgekit_api.errors import ValidationFailed
from badgekit_api.reviews.schemas import ReviewItemInput


def review_items(
    criteria: Collection[int], items: Sequence[ReviewItemInput]
) -> list[dict[str, Any]]:
    """The columns of new rows for `items` (no `review_id`); each must name a different
    criterion of the badge (`criteria`: their ids), a 400 otherwise."""
    seen: set[int] = set()
    problems: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        field = f"reviewItems.{index}.criterionId"
        if item.criterion_id not in criteria:
            problems.append(
                {
                    "field": field,
                    "value": item.criterion_id,
                    "message": "Not a criterion of the badge applied for",
                }
            )
        elif item.criterion_id in seen:
            problems.append(
                {
                    "field": field,
                    "value": item.criterion_id,
                    "message": "This criterion is already reviewed by another item",
                }
            )
        seen.add(item.criterion_id)
    if problems:
        raise ValidationFailed(problems)
    return [
        {"criterion_id": item.criterion_id, "satisfied": item.satisfied, "comment": item.comment}
        for item in items
    ]
