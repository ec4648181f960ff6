"""The app as Granian serves it in the bench (`--server granian`).

uvicorn rewrites the client's address from `X-Forwarded-For` itself when `serve` names the
trusted proxies (`FORWARDED_ALLOW_IPS`); Granian's command line has no such option, only a
wrapper in `granian.utils.proxies`. The claim scenario needs it: its claimers are different
people behind one proxy, each limited on its own (see bench/README.md).
"""

from __future__ import annotations

from typing import Any

from granian.utils.proxies import wrap_asgi_with_proxy_headers

from badgekit_api.config import Settings
from badgekit_api.main import create_app as create_badgekit_app


def create_app() -> Any:
    settings = Settings()
    app = create_badgekit_app(settings)
    trusted = settings.forwarded_allow_ips
    return wrap_asgi_with_proxy_headers(app, trusted) if trusted else app
