"""Where each file the reference pages load comes from.

Swagger UI and ReDoc come from the `fastapi-offline` distribution, which ships their
browser bundles as package data: found without importing it (it would import FastAPI's docs
helpers for nothing). Our own scripts sit beside this module. Only the names listed here
are served, so a request can never name another file.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_OURS = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Asset:
    path: Path
    media_type: str


def _vendor_dir() -> Path:
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the fastapi-offline package (Swagger UI and ReDoc assets) is missing")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@cache
def assets() -> dict[str, Asset]:
    vendor = _vendor_dir()
    return {
        "swagger-ui-bundle.js": Asset(vendor / "swagger-ui-bundle.js", "text/javascript"),
        "swagger-ui.css": Asset(vendor / "swagger-ui.css", "text/css"),
        "redoc.standalone.js": Asset(vendor / "redoc.standalone.js", "text/javascript"),
        "favicon.png": Asset(vendor / "favicon.png", "image/png"),
        "signing.js": Asset(_OURS / "signing.js", "text/javascript"),
        "swagger-setup.js": Asset(_OURS / "swagger-setup.js", "text/javascript"),
        "redoc-setup.js": Asset(_OURS / "redoc-setup.js", "text/javascript"),
        "docs.css": Asset(_OURS / "docs.css", "text/css"),
    }
