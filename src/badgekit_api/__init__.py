"""badgekit-api: a BadgeKit API server for Open Badges."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("badgekit-api")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
