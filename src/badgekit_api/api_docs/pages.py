"""The HTML of the reference pages. No inline script: the page's settings travel in data-
attributes that the served setup scripts read, so the policy can allow only 'self'."""

from __future__ import annotations

from html import escape


def _head(title: str, assets_path: str, stylesheets: tuple[str, ...] = ()) -> str:
    links = "".join(
        f'<link rel="stylesheet" href="{escape(assets_path)}/{name}">\n' for name in stylesheets
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · reference</title>
<link rel="icon" href="{escape(assets_path)}/favicon.png">
{links}</head>
"""


def swagger(*, title: str, openapi_url: str, assets_path: str) -> str:
    head = _head(title, assets_path, ("swagger-ui.css", "docs.css"))
    return f"""{head}<body>
<form id="badgekit-signing" autocomplete="off">
  <strong>Sign "Try it out" requests</strong>
  <label>Key <input id="badgekit-key" name="key" value="master" spellcheck="false"></label>
  <label>Secret <input id="badgekit-secret" name="secret" type="password"></label>
  <span id="badgekit-signing-status" role="status">Kept in this page only: nothing is stored.</span>
</form>
<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>
<script src="{escape(assets_path)}/swagger-ui-bundle.js"></script>
<script src="{escape(assets_path)}/signing.js"></script>
<script src="{escape(assets_path)}/swagger-setup.js"></script>
</body>
</html>
"""


def redoc(*, title: str, openapi_url: str, assets_path: str) -> str:
    return f"""{_head(title, assets_path)}<body>
<div id="redoc" data-openapi-url="{escape(openapi_url)}"></div>
<script src="{escape(assets_path)}/redoc.standalone.js"></script>
<script src="{escape(assets_path)}/redoc-setup.js"></script>
</body>
</html>
"""
