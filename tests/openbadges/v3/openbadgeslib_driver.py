"""Run by the openbadgeslib virtualenv's interpreter (not by pytest): verifies each
credential on stdin as a verifier would, the issuer's did:web document and the status list
read from the bodies given (no network), and prints whether it was accepted, as JSON.

stdin: {"issuer_did": str, "files": {url: body},
        "cases": {name: {"format": "jwt" | "ldp" | "png" | "svg", "credential": ...}}}
(a credential is a compact JWT, a JSON object, or for png/svg a baked image in base64,
from which openbadgeslib extracts the credential itself).
stdout: {name: {"accepted": bool, "error": str | null}}
"""

import base64
import json
import sys

from openbadgeslib.ob3 import OB3LdpVerifier, OB3Verifier


def main():
    request = json.load(sys.stdin)
    files, did = request["files"], request["issuer_did"]

    def download(url, *_args, **_kwargs):
        if url not in files:
            raise OSError("not served: " + url)
        return files[url].encode()

    results = {}
    for name, case in request["cases"].items():
        try:
            if case["format"] in ("png", "svg"):
                image = base64.b64decode(case["credential"])
                extract = (
                    OB3Verifier.extract_token_from_png
                    if case["format"] == "png"
                    else OB3Verifier.extract_token_from_svg
                )
                text = extract(image)
                kind = "ldp" if text.lstrip().startswith("{") else "jwt"
                case = {"format": kind, "credential": text}
            if case["format"] == "jwt":
                verifier = OB3Verifier.for_issuer_did(did, download)
            else:
                verifier = OB3LdpVerifier.for_issuer_did(did, download)
            verifier.verify(case["credential"], check_status=True, download=download)
        except Exception as error:  # any refusal is a verdict, reported with its reason
            results[name] = {"accepted": False, "error": f"{type(error).__name__}: {error}"}
        else:
            results[name] = {"accepted": True, "error": None}
    json.dump(results, sys.stdout)


main()
