"""`badgekit-api token` and `badgekit-api request`: signed requests from the command line.

Both start in a fraction of a second: they import neither the server nor its database
stack, and `request` loads its HTTP client only once its options are read.
"""

from __future__ import annotations

import time
import uuid
import warnings
from pathlib import Path
from typing import Annotated

import typer
from jwt.warnings import InsecureKeyLengthWarning

from badgekit_api.cli import environment
from badgekit_api.cli.files import read_file
from badgekit_api.cli.output import fail
from badgekit_api.security.signing import sign_request

DEFAULT_URL = "http://127.0.0.1:8080"

KeyOption = Annotated[str, typer.Option(help="`master` or a consumer key")]
SecretOption = Annotated[
    str | None,
    typer.Option(help="The key's secret; for `master`, MASTER_SECRET or `serve --dev`'s"),
]
TtlOption = Annotated[int, typer.Option(help="Seconds until the token expires")]
UrlOption = Annotated[
    str | None,
    typer.Option(help=f"The server (default: BADGEKIT_URL, else {DEFAULT_URL})"),
]


def server_url(url: str | None) -> str:
    """The server a signed command talks to: --url, else BADGEKIT_URL, else the default."""
    return url or environment.setting("BADGEKIT_URL") or DEFAULT_URL


def secret_for(key: str, secret: str | None) -> str:
    secret = secret or (environment.master_secret() if key == "master" else None)
    if not secret:
        if key == "master":
            raise fail("No secret: pass --secret or set MASTER_SECRET.")
        raise fail(f"No secret: pass --secret with the secret of key `{key}`.")
    return secret


def authorization(
    method: str, path: str, body: bytes | None, *, key: str, secret: str, ttl: int
) -> str:
    with warnings.catch_warnings():
        # PyJWT warns (with a traceback line) about secrets under 32 bytes: the server
        # refuses those outside --dev already, and this is the user's own secret.
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return sign_request(
            method,
            path,
            body,
            key=key,
            secret=secret,
            exp=int(time.time()) + ttl,
            jti=uuid.uuid4().hex,  # so the token also works where REPLAY_PROTECTION is on
        )


def token(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT or DELETE")],
    path: Annotated[str, typer.Argument(help="Path with its query string, e.g. /systems?page=1")],
    body: Annotated[Path | None, typer.Option(help="File holding the exact request body")] = None,
    key: KeyOption = "master",
    secret: SecretOption = None,
    ttl: TtlOption = 300,
) -> None:
    """Print an `Authorization` header for one request, ready for curl -H."""
    secret = secret_for(key, secret)
    raw = read_file(body, "--body") if body is not None else None
    header = authorization(method, path, raw, key=key, secret=secret, ttl=ttl)
    typer.echo(f"Authorization: {header}")


def request(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT or DELETE")],
    path: Annotated[str, typer.Argument(help="Path with its query string, e.g. /systems?page=1")],
    data: Annotated[
        str | None,
        typer.Option("--data", "-d", help="JSON body: '{...}', @file.json or @- (stdin)"),
    ] = None,
    fields: Annotated[
        list[str] | None,
        typer.Option("--field", "-f", help="Form field name=value (repeat for more)"),
    ] = None,
    files: Annotated[
        list[str] | None,
        typer.Option(
            "--file", "-F", help="Multipart part: name=@path for a file, name=value for text"
        ),
    ] = None,
    url: UrlOption = None,
    key: KeyOption = "master",
    secret: SecretOption = None,
    ttl: TtlOption = 300,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the answer")] = 30,
) -> None:
    """Sign a request, send it and print the answer (JSON pretty-printed).

    The exit status is 0 for a 2xx answer, 3, 4 or 5 for a 3xx, 4xx or 5xx one, and 1 when
    the request could not be made."""
    if data is not None and (fields or files):
        raise fail("Give the body either as JSON (-d) or as form fields (-f / -F), not both.")
    secret = secret_for(key, secret)
    from badgekit_api.cli import sending  # the HTTP client, only now that it is needed

    body = sending.Body.of(
        json_body=read_file(data[1:], "-d") if data and data.startswith("@") else data,
        fields=[sending.name_and_value(field, "-f") for field in fields or []],
        parts=[sending.part(given) for given in files or []],
    )
    answer = sending.send(
        method.upper(),
        sending.full_url(server_url(url), path),
        body,
        sign=lambda signed_path, raw: authorization(
            method, signed_path, raw, key=key, secret=secret, ttl=ttl
        ),
        timeout=timeout,
    )
    sending.show(answer)
    raise typer.Exit(code=sending.exit_code(answer.status_code))
