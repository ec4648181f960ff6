"""The few settings `token` and `request` need, read without loading `Settings`.

`Settings` is a pydantic model, and importing pydantic takes about as long as these
commands may take in all; they read their values the way it does instead: the environment
first (names in any case), then the `.env` file of the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_FILE = Path(".env")
# `serve --dev` keeps the master secret it makes up here (in the working directory), so a
# restarted development server accepts the tokens signed before.
DEV_SECRET_FILE = Path(".badgekit-dev-secret")
# ... and the key that encrypts the issuer profiles' private keys, for the same reason: a
# restarted development server can still sign with the keys it made before.
DEV_KEY_ENCRYPTION_KEY_FILE = Path(".badgekit-dev-key-encryption-key")


def setting(name: str) -> str | None:
    """The value of setting `name` (e.g. MASTER_SECRET), or None when unset or empty."""
    wanted = name.lower()
    for key, value in os.environ.items():
        if key.lower() == wanted and value:
            return value
    if ENV_FILE.is_file():
        from dotenv import dotenv_values  # only when there is a file to read

        for key, file_value in dotenv_values(ENV_FILE).items():
            if key.lower() == wanted and file_value:
                return file_value
    return None


def dev_secret() -> str | None:
    """The master secret a development server in this folder made up, if there is one."""
    try:
        return DEV_SECRET_FILE.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def master_secret() -> str | None:
    """MASTER_SECRET, or else the development server's secret of this folder."""
    return setting("MASTER_SECRET") or dev_secret()


def keep_dev_secret(secret: str, where: Path = DEV_SECRET_FILE) -> None:
    """Write a development secret where only its owner can read it."""
    descriptor = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secret + "\n")


def dev_key_encryption_key() -> str | None:
    """The KEY_ENCRYPTION_KEY a development server in this folder made up, if any."""
    try:
        return DEV_KEY_ENCRYPTION_KEY_FILE.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None
