"""Headers of a webhook call, signed the way BadgeKit signs API requests.

`Authorization: JWT token="..."` is an HS256 JWT made with the webhook's secret; its `body`
claim is the sha256 of the exact bytes sent, and `jti` is the event id, so a receiver can
check the sender, the body and that it has not handled this event already.
"""

from __future__ import annotations

from badgekit_api import __version__
from badgekit_api.security import signing

TOKEN_TTL_SECONDS = 300


def signed_headers(
    body: bytes, *, secret: str, event_id: str, action: str, issued_at: int
) -> dict[str, str]:
    claims = {
        "body": signing.body_hash(body),
        "iat": issued_at,
        "exp": issued_at + TOKEN_TTL_SECONDS,
        "jti": event_id,
    }
    return {
        "Content-Type": "application/json",
        "Authorization": signing.authorization_header(signing.sign(claims, secret)),
        "X-BadgeKit-Event-Id": event_id,
        "X-BadgeKit-Event": action,
        "User-Agent": f"badgekit-api/{__version__} (webhook)",
    }
