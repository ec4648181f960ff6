"""Badge classes: what a badge means, as Open Badges 1.0 and 2.0 documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from badgekit_api.badges.links import badge_path_of, container_path
from badgekit_api.http.urls import PublicUrls
from badgekit_api.openbadges.formats import CONTEXT_V2
from badgekit_api.openbadges.links import v2


def badge_class_v1(badge: dict[str, Any], urls: PublicUrls) -> dict[str, Any]:
    """The original's badge class of a badge (its wire object); `description` is the
    consumer description."""
    document: dict[str, Any] = {
        "name": badge["name"],
        "description": badge["consumerDescription"],
        "image": badge["imageUrl"],
        "criteria": badge["criteriaUrl"],
        "issuer": _issuer_url(badge, urls),
        "alignment": [
            _without_none(
                {"name": item["name"], "url": item["url"], "description": item["description"]}
            )
            for item in badge["alignments"]
        ],
        "tags": [tag["value"] for tag in badge["tags"]],
    }
    return _without_none(document)


def badge_class_v2(badge: dict[str, Any], urls: PublicUrls) -> dict[str, Any]:
    criteria = {"id": badge["criteriaUrl"]}
    narrative = criteria_narrative(badge["criteria"])
    if narrative:
        criteria["narrative"] = narrative
    document: dict[str, Any] = {
        "@context": CONTEXT_V2,
        "type": "BadgeClass",
        "id": v2(urls.absolute("/public" + _path(badge))),
        "name": badge["name"],
        "description": badge["consumerDescription"],
        "image": badge["imageUrl"],
        "criteria": criteria,
        "issuer": v2(_issuer_url(badge, urls)),
        "alignment": [
            _without_none(
                {
                    "targetName": item["name"],
                    "targetUrl": item["url"],
                    "targetDescription": item["description"],
                }
            )
            for item in badge["alignments"]
        ],
        "tags": [tag["value"] for tag in badge["tags"]],
    }
    return _without_none(document)


def _slugs(badge: dict[str, Any]) -> tuple[str, str | None, str | None]:
    issuer, program = badge["issuer"], badge["program"]
    return (
        badge["system"]["slug"],
        issuer["slug"] if issuer else None,
        program["slug"] if program else None,
    )


def _path(badge: dict[str, Any]) -> str:
    return badge_path_of(*_slugs(badge), badge["slug"])


def _issuer_url(badge: dict[str, Any], urls: PublicUrls) -> str:
    """The profile of the badge's own (deepest) container, which issues it."""
    return urls.absolute("/public" + container_path(*_slugs(badge)))


def criteria_narrative(criteria: Sequence[dict[str, Any]]) -> str | None:
    """The criteria list as a Markdown list; required ones say so, notes follow."""
    lines = []
    for criterion in criteria:
        line = f"- {criterion['description']}"
        if criterion["required"]:
            line += " (required)"
        if criterion["note"]:
            line += f"\n  {criterion['note']}"
        lines.append(line)
    return "\n".join(lines) or None


def _without_none(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value is not None}
