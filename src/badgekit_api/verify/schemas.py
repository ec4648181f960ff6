"""The verify endpoint's answer."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class CheckResult(BaseModel):
    name: str = Field(
        description="`signature`, `issuerKey` (the proof's key is the issuer's and was "
        "found), `validity` (validFrom / validUntil), `status` (the revocation bit), `schema` "
        "(1EdTech's OB 3.0 AchievementCredential JSON Schema)"
    )
    passed: bool | None = Field(description="None: it could not, or need not, be checked")
    detail: str


class VerificationReport(BaseModel):
    verified: bool = Field(description="Signature and issuer key hold and no check failed")
    format: str = Field(description="`vc+jwt` or `data-integrity`")
    checks: list[CheckResult]
    credential: dict[str, Any] | None = Field(
        description="The credential as verified (None when its proof does not hold)"
    )
