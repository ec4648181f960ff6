"""The interactive reference at /docs and /redoc: everything it loads comes from this server
(it works on a closed network), and "Try it out" signs requests in the browser."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.browser import chromium, run_script, skip_without_chromium
from tests.factories.containers import create_tree
from tests.support import TEST_SECRET

PAGES = ["/docs", "/redoc"]
# What a person does on /docs: type the key and secret, open an operation, press Execute.
TRY_IT_OUT = """(async () => {
  const until = async (find, what) => {
    for (let waited = 0; waited < 20000; waited += 100) {
      const found = find();
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("never appeared: " + what);
  };
  document.getElementById("badgekit-key").value = %(key)s;
  document.getElementById("badgekit-secret").value = %(secret)s;
  const block = await until(() => document.getElementById(%(operation)s), "the operation");
  (block.querySelector(".opblock-summary-control") || block.querySelector(".opblock-summary"))
    .click();
  const body = %(body)s;
  if (body !== null) {
    // The editor is a React-controlled textarea: set it the way typing would.
    const editor = await until(() => block.querySelector("textarea.body-param__text"), "editor");
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(editor, body);
    editor.dispatchEvent(new Event("input", {bubbles: true}));
  }
  (await until(() => block.querySelector("button.execute"), "Execute")).click();
  const status = await until(
    () => block.querySelector(".live-responses-table .response .response-col_status"),
    "the answer");
  const shown = block.querySelector(".live-responses-table .response-col_description pre");
  return {status: status.textContent.trim(), body: shown ? shown.textContent : null,
          signing: document.getElementById("badgekit-signing-status").textContent};
})()"""


def _try_it_out(operation: str, *, secret: str, body: object = None) -> str:
    values = {
        "key": "master",
        "secret": secret,
        "operation": f"operations-systems-{operation}",
        "body": None if body is None else json.dumps(body),  # the text typed into the editor
    }
    return TRY_IT_OUT % {name: json.dumps(value) for name, value in values.items()}


def _loaded_files(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("page", PAGES)
async def test_the_reference_pages_load_only_files_of_this_server(
    anon: httpx.AsyncClient, page: str
) -> None:
    answer = await anon.get(page)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "<script>" not in answer.text  # no inline script for the policy to allow
    files = _loaded_files(answer.text)
    assert files and all(url.startswith("/docs/assets/") for url in files)
    for url in files:
        asset = await anon.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["x-content-type-options"] == "nosniff"
        assert len(asset.content) > 100


async def test_only_the_listed_assets_are_served(anon: httpx.AsyncClient) -> None:
    for name in ("nope.js", "..%2F..%2Fpyproject.toml", "%2E%2E%2Fassets.py", "router.py"):
        answer = await anon.get(f"/docs/assets/{name}")
        assert answer.status_code == 404, name
        assert answer.json()["code"] == "ResourceNotFound"


async def test_try_it_out_signs_a_request_in_the_browser(
    client: httpx.AsyncClient, live_server: str
) -> None:
    skip_without_chromium()
    await create_tree(client)
    script = _try_it_out("list_systems_systems_get", secret=TEST_SECRET)

    async with chromium() as browser:
        report = await run_script(browser, f"{live_server}/docs", script)

    assert report.value["status"] == "200", report.value
    assert "chicago" in report.value["body"]
    assert report.value["signing"] == "Signed GET as master."
    origin = live_server.rstrip("/")
    outside = [url for url in report.requested if not url.startswith((origin, "data:", "blob:"))]
    assert outside == []
    assert report.log == []  # nothing failed to load or was blocked by the policy


async def test_without_a_secret_the_request_goes_unsigned_and_is_refused(
    client: httpx.AsyncClient, live_server: str
) -> None:
    skip_without_chromium()
    await create_tree(client)
    script = _try_it_out("list_systems_systems_get", secret="")

    async with chromium() as browser:
        report = await run_script(browser, f"{live_server}/docs", script)

    assert report.value["status"] == "403", report.value


async def test_try_it_out_signs_the_body_of_a_write(
    client: httpx.AsyncClient, live_server: str
) -> None:
    skip_without_chromium()
    system = {"slug": "docs-made", "name": "Made from the docs page", "url": "https://x.example"}
    script = _try_it_out("create_system_systems_post", secret=TEST_SECRET, body=system)

    async with chromium() as browser:
        report = await run_script(browser, f"{live_server}/docs", script)

    assert report.value["status"] == "201", report.value
    made = await client.get("/systems/docs-made")
    assert made.status_code == 200
    assert made.json()["system"]["name"] == "Made from the docs page"


async def test_a_multipart_body_is_signed_on_the_bytes_the_browser_sends(
    client: httpx.AsyncClient, live_server: str
) -> None:
    skip_without_chromium()
    # What "Try it out" hands the signer for a multipart form: a FormData, file included.
    script = """(async () => {
      const form = new FormData();
      form.append("slug", "multipart-made");
      form.append("name", "Sent as multipart");
      form.append("url", "https://x.example");
      const signed = await BadgeKitSigning.signRequest({
        method: "POST", url: "/systems", body: form, key: "master", secret: SECRET});
      const answer = await fetch("/systems", {method: "POST", body: signed.body,
        headers: {"Authorization": signed.authorization, "Content-Type": signed.contentType}});
      return {status: answer.status, type: signed.contentType};
    })()""".replace("SECRET", json.dumps(TEST_SECRET))

    async with chromium() as browser:
        report = await run_script(browser, f"{live_server}/docs", script)

    assert report.value["status"] == 201, report.value
    assert report.value["type"].startswith("multipart/form-data; boundary=")
    made = await client.get("/systems/multipart-made")
    assert made.json()["system"]["name"] == "Sent as multipart"
