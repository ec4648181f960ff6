"""Badge classes: what a badge means, as Open Badges 1.0 and 2.0 documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from badgekit_api.badges.links import badge_class_url
from badgekit_api.badges.schemas import CriterionRead
from badgekit_api.badges.serializers import badge_lists
from badgekit_api.http.urls import PublicUrls
from badgekit_api.images.service import image_url
from badgekit_api.models import Badge
from badgekit_api.openbadges.formats import CONTEXT_V2
from badgekit_api.openbadges.links import badge_issuer_url, v2


def badge_class_v1(badge: Badge, urls: PublicUrls) -> dict[str, Any]:
    """The original's badge class; `description` is the consumer description."""
    lists = badge_lists(badge)
    document: dict[str, Any] = {
        "name": badge.name,
        "description": badge.consumer_description,
        "image": image_url(badge.image, urls),
        "criteria": badge.criteria_url,
        "issuer": badge_issuer_url(badge, urls),
        "alignment": [
            _without_none({"name": item.name, "url": item.url, "description": item.description})
            for item in lists.alignments
        ],
        "tags": [tag.value for tag in lists.tags],
    }
    return _without_none(document)


def badge_class_v2(badge: Badge, urls: PublicUrls) -> dict[str, Any]:
    lists = badge_lists(badge)
    criteria = {"id": badge.criteria_url}
    narrative = criteria_narrative(lists.criteria)
    if narrative:
        criteria["narrative"] = narrative
    document: dict[str, Any] = {
        "@context": CONTEXT_V2,
        "type": "BadgeClass",
        "id": v2(badge_class_url(badge, urls)),
        "name": badge.name,
        "description": badge.consumer_description,
        "image": image_url(badge.image, urls),
        "criteria": criteria,
        "issuer": v2(badge_issuer_url(badge, urls)),
        "alignment": [
            _without_none(
                {
                    "targetName": item.name,
                    "targetUrl": item.url,
                    "targetDescription": item.description,
                }
            )
            for item in lists.alignments
        ],
        "tags": [tag.value for tag in lists.tags],
    }
    return _without_none(document)


def criteria_narrative(criteria: Sequence[CriterionRead]) -> str | None:
    """The criteria list as a Markdown list; required ones say so, notes follow."""
    lines = []
    for criterion in criteria:
        line = f"- {criterion.description}"
        if criterion.required:
            line += " (required)"
        if criterion.note:
            line += f"\n  {criterion.note}"
        lines.append(line)
    return "\n".join(lines) or None


def _without_none(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value is not None}
