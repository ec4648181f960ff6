"""Drive a BadgeKit API server with the `badgekit-api-client` package from PyPI.

Runs inside the client's own virtualenv (see pyclient.py), not ours:
    python pyclient_driver.py BASE_URL SECRET
and writes what the client returned, as JSON, to stdout.
"""

import json
import sys

import badgekit


def outcome(call):
    """What the client returned, or which of its exceptions it raised and with what body."""
    try:
        return {"returned": call()}
    except badgekit.BadgeKitException as exc:
        return {"raised": type(exc).__name__, "info": getattr(exc, "info", None)}
    except ValueError as exc:
        return {"raised": "ValueError", "message": str(exc)}


def main(base_url, secret):
    api = badgekit.BadgeKitAPI(base_url, secret)
    chicago = badgekit.BadgeKitAPI(base_url, secret, defaults={"system": "chicago"})
    system = {
        "slug": "chicago",
        "name": "City of Chicago",
        "url": "https://chicago.example.org",
        "email": "admin@chicago.example.org",
        "description": "Badges of the city.",
    }
    issuer = {"slug": "library", "name": "Bibliothèque ✓", "url": "https://library.example.org"}
    program = {"slug": "readers", "name": "Readers", "url": "https://readers.example.org"}
    steps = [
        ("ping", lambda: api.ping()),
        ("server_version", lambda: api.server_version()),
        ("require_older_version", lambda: api.require_server_version("0.2.22")),
        ("require_newer_version", lambda: api.require_server_version("99.0.0")),
        ("create_system", lambda: api.create("system", system)),
        ("list_systems", lambda: api.list("system")),
        ("get_system", lambda: api.get(system="chicago")),
        ("create_issuer", lambda: api.create("issuer", issuer, system="chicago")),
        ("list_issuers", lambda: chicago.list("issuer")),
        ("get_issuer", lambda: api.get(system="chicago", issuer="library")),
        ("create_program", lambda: chicago.create("program", program, issuer="library")),
        ("list_programs", lambda: api.list("program", system="chicago", issuer="library")),
        ("get_program", lambda: chicago.get(issuer="library", program="readers")),
        ("get_unknown_system", lambda: api.get(system="nowhere")),
        ("create_duplicate_system", lambda: api.create("system", system)),
        ("create_invalid_issuer", lambda: chicago.create("issuer", {"slug": "x", "url": "nope"})),
        ("wrong_secret", lambda: badgekit.BadgeKitAPI(base_url, "wrong" * 8).list("system")),
    ]
    results = {name: outcome(call) for name, call in steps}
    sys.stdout.write(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
