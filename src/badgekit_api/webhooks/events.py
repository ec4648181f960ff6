"""The actions a webhook can ask for, and the documented body of each.

Builders take plain dicts (the badge, application and review as the API serializes them),
so callers pass what they would answer over HTTP and the receiver sees the same shapes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

AWARD = "award"
REVOKE = "revoke"
REVIEW = "review"
ACTIONS = (AWARD, REVIEW, REVOKE)


def award(
    *,
    uid: str,
    badge: dict[str, Any],
    email: str,
    assertion_url: str,
    issued_on: datetime | int,
    comment: str | None = None,
    credential_url: str | None = None,
) -> dict[str, Any]:
    """A badge instance was created (`credentialUrl`: its Open Badges 3.0 credential)."""
    payload = {
        "action": AWARD,
        "uid": uid,
        "badge": badge,
        "email": email,
        "assertionUrl": assertion_url,
        "issuedOn": unix_seconds(issued_on),
        "comment": comment or None,
    }
    if credential_url is not None:
        payload["credentialUrl"] = credential_url
    return payload


def revoke(*, uid: str, badge: dict[str, Any], email: str) -> dict[str, Any]:
    """A badge instance was revoked."""
    return {"action": REVOKE, "uid": uid, "badge": badge, "email": email}


def review(
    *, application: dict[str, Any], review: dict[str, Any], approved: bool
) -> dict[str, Any]:
    """A review of an application was submitted."""
    return {"action": REVIEW, "application": application, "review": review, "approved": approved}


def unix_seconds(moment: datetime | int) -> int:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("issued_on must be timezone-aware")
        return int(moment.timestamp())
    return int(moment)
