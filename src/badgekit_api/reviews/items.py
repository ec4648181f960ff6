"""A review's items built from a request, each checked against the badge's criteria."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from badgekit_api.badges.schemas import CriterionRead
from badgekit_api.errors import ValidationFailed
from badgekit_api.models import ReviewItem
from badgekit_api.reviews.schemas import ReviewItemInput


def review_items(
    criteria: Sequence[CriterionRead], items: Sequence[ReviewItemInput]
) -> list[ReviewItem]:
    """New rows for `items`; each must name a different criterion of the badge (400 otherwise)."""
    known = {criterion.id for criterion in criteria}
    seen: set[int] = set()
    problems: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        field = f"reviewItems.{index}.criterionId"
        if item.criterion_id not in known:
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
        ReviewItem(criterion_id=item.criterion_id, satisfied=item.satisfied, comment=item.comment)
        for item in items
    ]
