"""Run the official Open Badges validator (`openbadges` on PyPI) on badge URLs, offline.

Runs inside the validator's own virtualenv (see `validator.py`), never imported by the test
suite: `python validator_driver.py CONTEXTS_DIR URL...` prints one JSON report per URL.

The validator fetches the Open Badges JSON-LD contexts from w3id.org, which tests cannot
reach: those URLs are answered from the copies in CONTEXTS_DIR. Loopback requests go to the
server under test; any other request fails as if the network were down.
"""

import json
import sys
from pathlib import Path

import requests
from requests.adapters import BaseAdapter, HTTPAdapter

CONTEXT_FILES = {
    "https://w3id.org/openbadges/v1": "v1.json",
    "https://w3id.org/openbadges/v2": "v2.json",
    "https://openbadgespec.org/v1/context.json": "v1.json",
    "https://openbadgespec.org/v2/context.json": "v2.json",
}
LOOPBACK = ("http://127.0.0.1:", "http://localhost:")


class OfflineAdapter(BaseAdapter):
    """Serves the known contexts from files and refuses everything else."""

    def __init__(self, contexts_dir):
        super().__init__()
        self.contexts_dir = contexts_dir

    def send(self, request, **kwargs):
        name = CONTEXT_FILES.get(request.url.rstrip("/"))
        if name is None:
            raise requests.ConnectionError(f"offline test: {request.url} is not reachable")
        response = requests.Response()
        response.status_code = 200
        response._content = (self.contexts_dir / name).read_bytes()
        response.headers["Content-Type"] = "application/ld+json"
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


def go_offline(contexts_dir):
    original_init = requests.Session.__init__

    def init(session, *args, **kwargs):
        original_init(session, *args, **kwargs)
        offline = OfflineAdapter(contexts_dir)
        session.mount("http://", offline)
        session.mount("https://", offline)
        for prefix in LOOPBACK:
            session.mount(prefix, HTTPAdapter())

    requests.Session.__init__ = init


def main():
    contexts_dir, urls = Path(sys.argv[1]), sys.argv[2:]
    go_offline(contexts_dir)
    from openbadges import verify

    reports = {}
    for url in urls:
        result = verify(url)
        reports[url] = {"report": result["report"], "graph": result["graph"]}
    json.dump(reports, sys.stdout)


if __name__ == "__main__":
    main()
