"""The files a command is given (`--body`, `-d @file`, `-F name=@file`)."""

from __future__ import annotations

import sys
from pathlib import Path

from badgekit_api.cli.output import fail


def read_file(path: Path | str, option: str) -> bytes:
    """The bytes of `path` (`-`: standard input), or one line saying why they cannot be read."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise fail(f"{option}: no such file: {path}") from None
    except OSError as error:
        raise fail(f"{option}: cannot read {path}: {error.strerror or error}") from None
