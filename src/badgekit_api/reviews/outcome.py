"""Whether a review approves its application."""

from __future__ import annotations

from collections.abc import Iterable


def approves(criteria: Iterable[tuple[int, bool]], satisfied: Iterable[int]) -> bool:
    """True when the review satisfies (`satisfied`: the criterion ids it marks so) every
    criterion that decides the badge; `criteria` are the badge's, as (id, required).

    The deciding criteria are the badge's required ones; a badge that marks none as
    required is decided by all its criteria. A badge with no criteria at all leaves the
    reviewer nothing to check, so every review of it approves (the issuer's site, which
    awards the badge, still reads the review's comment).
    """
    criteria = list(criteria)
    deciding = {criterion for criterion, required in criteria if required}
    if not deciding:
        deciding = {criterion for criterion, _ in criteria}
    return deciding <= set(satisfied)
