"""badgekit-api: a BadgeKit API server for Open Badges."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # Looked up on first use only: importlib.metadata costs a noticeable part of a quick
    # command's start (`badgekit-api token`), which never needs the version.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("badgekit-api")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
