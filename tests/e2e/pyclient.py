"""A virtualenv holding the PyPI `badgekit-api-client`, built once and kept under `.cache/`.

The client only works with `requests-jwt` 0.4, which needs PyJWT 1.x; our server uses
PyJWT 2, so the client gets an interpreter of its own and is driven as a subprocess.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.side_venvs import side_venv

REQUIREMENTS = ["badgekit-api-client==0.5.1", "requests-jwt==0.4", "PyJWT<2"]
if sys.version_info >= (3, 12):
    # The client imports distutils, gone from the standard library in 3.12; setuptools
    # still provides it.
    REQUIREMENTS.append("setuptools")


def client_python() -> Path:
    """The interpreter of the client's virtualenv, building the venv first if needed."""
    return side_venv("pyclient-venv", [["install", *REQUIREMENTS]])
