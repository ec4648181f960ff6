"""`badgekit-api keys ...`, and `serve` refusing to start without KEY_ENCRYPTION_KEY."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import UvicornCalls, ok, run


def test_rotate_list_and_revoke_from_the_command_line(migrated: str) -> None:
    ok(
        run(
            migrated,
            "systems",
            "create",
            "--slug",
            "chicago",
            "--name",
            "C",
            "--url",
            "https://c.org",
        )
    )
    first = ok(run(migrated, "keys", "list", "--system", "chicago"))
    assert first.splitlines()[0] == "profile: /public/systems/chicago"
    assert "#key-1\tEdDSA\tcurrent\tz6Mk" in first
    rotated = ok(run(migrated, "keys", "rotate", "--system", "chicago", "--algorithm", "ES256"))
    assert "#key-2\tES256\tcurrent\tzDn" in rotated and "#key-1\tEdDSA\tretired" in rotated
    revoked = ok(run(migrated, "keys", "revoke", "1", "--system", "chicago"))
    assert "#key-1\tEdDSA\trevoked" in revoked

    current = run(migrated, "keys", "revoke", "2", "--system", "chicago")
    assert current.exit_code == 1 and "current key" in current.stderr
    missing = run(migrated, "keys", "list", "--system", "chicago", "--issuer", "nobody")
    assert missing.exit_code == 1 and "nobody" in missing.stderr
    unkeyed = run(migrated, "keys", "rotate", "--system", "chicago", key_encryption_key=None)
    assert unkeyed.exit_code == 1 and "KEY_ENCRYPTION_KEY is not set" in unkeyed.stderr
    wrong = run(migrated, "keys", "rotate", "--system", "chicago", "--algorithm", "RS256")
    assert wrong.exit_code == 1


def test_a_new_encryption_key_is_accepted_by_serve(
    database_url: str, uvicorn_run: UvicornCalls
) -> None:
    key = ok(run(database_url, "keys", "new-encryption-key")).strip()
    result = run(database_url, "serve", "--port", "0", key_encryption_key=key)
    assert result.exit_code == 0, result.output
    assert len(uvicorn_run.calls) == 1


def test_serve_refuses_a_missing_or_malformed_key_encryption_key(
    database_url: str, uvicorn_run: UvicornCalls
) -> None:
    for value, message in [(None, "KEY_ENCRYPTION_KEY is not set"), ("c2hvcnQ", "32 bytes")]:
        result = run(database_url, "serve", "--port", "0", key_encryption_key=value)
        assert result.exit_code == 1
        assert message in result.stderr
    assert uvicorn_run.calls == []


def test_serve_dev_makes_a_key_encryption_key_and_keeps_it(
    database_url: str, uvicorn_run: UvicornCalls, tmp_path: Path
) -> None:
    first = run(database_url, "serve", "--dev", "--no-migrate", key_encryption_key=None)
    assert first.exit_code == 0, first.output
    kept = tmp_path / ".badgekit-dev-key-encryption-key"
    assert kept.stat().st_mode & 0o777 == 0o600
    value = kept.read_text().strip()
    assert value not in first.output  # never printed
    again = run(database_url, "serve", "--dev", "--no-migrate", key_encryption_key=None)
    assert again.exit_code == 0 and kept.read_text().strip() == value
    assert len(uvicorn_run.calls) == 2
