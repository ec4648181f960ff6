"""Runs in openbadgeslib's own virtualenv (see `independent.py`): its status check of each
entry, the list fetched from the bodies given (no network), the list's own proof verified
through the issuer's did:web document and bound to the credential's issuer.

stdin: {"issuer_did": ..., "files": {url: body}, "cases": {name: entry}}
stdout: {name: {"ok": bool, "error": str | null}}
"""

import json
import sys

from openbadgeslib.ob3.status import _check_entry
from openbadgeslib.ob3.verifier import OB3VerificationError


def main() -> None:
    request = json.load(sys.stdin)
    files = request["files"]

    def download(url):
        if url not in files:
            raise OSError("not served: " + url)
        return files[url].encode()

    verdicts = {}
    for name, entry in request["cases"].items():
        try:
            _check_entry(entry, download, badge_issuer=request["issuer_did"], verify_list=True)
        except OB3VerificationError as error:
            verdicts[name] = {"ok": False, "error": str(error)}
        else:
            verdicts[name] = {"ok": True, "error": None}
    json.dump(verdicts, sys.stdout)


main()
