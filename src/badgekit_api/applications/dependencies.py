"""What application routes take besides their start statement's reading."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from badgekit_api.applications.evidence import EvidenceLimits
from badgekit_api.settings_dep import SettingsDep

ApplicationSlug = Annotated[str, Path(description="The application's slug")]


async def evidence_limits(settings: SettingsDep) -> EvidenceLimits:  # no thread hop (urls.py)
    return EvidenceLimits.from_settings(settings)


EvidenceLimitsDep = Annotated[EvidenceLimits, Depends(evidence_limits)]
