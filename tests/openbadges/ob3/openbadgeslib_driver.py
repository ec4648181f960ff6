"""Run by the openbadgeslib virtualenv's interpreter (not by pytest): verifies each
credential on stdin with openbadgeslib and prints whether it was accepted, as JSON.

stdin: {"public_key_pem": str, "issuer_did": str,
        "cases": {name: {"format": "jwt" | "ldp" | "png" | "svg", "credential": ...}}}
(a credential is a compact JWT, a JSON object, or for png/svg a baked image in base64,
from which openbadgeslib extracts the credential itself).
stdout: {name: {"pinned": verdict, "did": verdict}}, a verdict {"accepted", "error"}:
"pinned" verifies with the public key given, "did" with the key the issuer DID resolves to.
"""

import base64
import json
import sys

from openbadgeslib.ob3 import OB3LdpVerifier, OB3Verifier


def verdict(verify, credential):
    try:
        verify(credential)
    except Exception as error:  # any refusal is a verdict, reported with its reason
        return {"accepted": False, "error": f"{type(error).__name__}: {error}"}
    return {"accepted": True, "error": None}


def main():
    request = json.load(sys.stdin)
    pem, did = request["public_key_pem"], request["issuer_did"]
    results = {}
    for name, case in request["cases"].items():
        if case["format"] in ("png", "svg"):
            image = base64.b64decode(case["credential"])
            extract = (
                OB3Verifier.extract_token_from_png
                if case["format"] == "png"
                else OB3Verifier.extract_token_from_svg
            )
            text = extract(image)
            case = {"format": "ldp" if text.lstrip().startswith("{") else "jwt", "credential": text}
        if case["format"] == "jwt":
            pinned, by_did = OB3Verifier(pem), OB3Verifier.for_issuer_did(did)
        else:
            pinned, by_did = OB3LdpVerifier(pubkey_pem=pem), OB3LdpVerifier.for_issuer_did(did)
        results[name] = {
            "pinned": verdict(pinned.verify, case["credential"]),
            "did": verdict(by_did.verify, case["credential"]),
        }
    json.dump(results, sys.stdout)


main()
