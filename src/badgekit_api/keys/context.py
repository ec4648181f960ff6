"""What key code needs of the server's configuration, reached from the session.

`signing_key(session, profile)` is called from routes and from the credential code alike;
the session is what they all hold. Its factory carries the settings (`session.info`), and
a request's session also the request's origin when PUBLIC_URL is unset (`get_session`).
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from badgekit_api.config import Settings
from badgekit_api.keys.encryption import KeyEncryption

SETTINGS = "settings"
ORIGIN = "origin"


class KeysNotConfigured(RuntimeError):
    """The session was made without the settings keys need (a programming error)."""


def settings_of(session: AsyncSession) -> Settings:
    settings = session.info.get(SETTINGS)
    if not isinstance(settings, Settings):
        raise KeysNotConfigured("this session's factory was made without the settings")
    return settings


@lru_cache(maxsize=8)
def _encryption(setting: str) -> KeyEncryption:
    return KeyEncryption.from_setting(setting)


def encryption_of(session: AsyncSession) -> KeyEncryption:
    setting = settings_of(session).key_encryption_key
    if not setting:
        raise KeysNotConfigured("KEY_ENCRYPTION_KEY is not set")
    return _encryption(setting)


def origin_of_session(session: AsyncSession) -> str:
    """PUBLIC_URL, else the origin of the request this session serves."""
    origin = settings_of(session).public_url or session.info.get(ORIGIN)
    if not origin:
        raise KeysNotConfigured("no PUBLIC_URL, and the session serves no request")
    return str(origin)
