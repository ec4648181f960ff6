"""The CLI tests' fixtures (a scratch SQLite database, a stand-in for uvicorn.run)."""

from tests.test_cli import database_url, migrated, uvicorn_run

__all__ = ["database_url", "migrated", "uvicorn_run"]
