"""Whether a review approves its application."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from badgekit_api.badges.schemas import CriterionRead
from badgekit_api.models import ReviewItem


def approves(criteria: Sequence[CriterionRead], items: Iterable[ReviewItem]) -> bool:
    """True when the review satisfies every criterion that decides the badge.

    The deciding criteria are the badge's required ones; a badge that marks none as
    required is decided by all its criteria. A badge with no criteria at all leaves the
    reviewer nothing to check, so every review of it approves (the issuer's site, which
    awards the badge, still reads the review's comment).
    """
    deciding = {criterion.id for criterion in criteria if criterion.required}
    if not deciding:
        deciding = {criterion.id for criterion in criteria}
    satisfied = {item.criterion_id for item in items if item.satisfied}
    return deciding <= satisfied
