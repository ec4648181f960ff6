"""The app's Settings as a dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from badgekit_api.config import Settings


async def get_settings(request: Request) -> Settings:  # async: no thread hop (see urls.py)
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
