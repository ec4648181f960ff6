"""Where a request's CPU goes, from py-spy's raw (collapsed) samples of `bench.http_profile
--loop`: the share of the event loop's samples spent in each package's own code, and in
chosen functions with everything they call.

    py-spy record -r 1000 -f raw -o spy.txt -- .venv/bin/python -m bench.http_profile \\
        --database-url postgresql+asyncpg://... --loop 20
    .venv/bin/python -m bench.spy_summary spy.txt [FUNCTION ...]

Only samples of `serve_for` serving requests count, and those of the event loop's own C
code (uvloop, and asyncpg's protocol reading answers, which has no Python frame of its
own); start-up and imports are left out, but the loop's code while the app was set up
counts too (a second or two of the run).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

# Packages named in the summary; other frames are named by their file.
PACKAGES = (
    "badgekit_api",
    "fastapi",
    "starlette",
    "asyncpg",
    "sqlalchemy",
    "pydantic",
    "uvloop",
    "asyncio",
    "contextlib",
    "anyio",
    "inspect",
)
# Functions shown with what they call, unless others are named on the command line.
FUNCTIONS = (
    "solve_dependencies",
    "signed_start",
    "fetch_one",
    "Connection._do_execute",
    "_solve_generator",
    "get_session",
    "check_signed",
    "object_response",
)
_FRAME_FILE = re.compile(r"\((.*?):\d+\)$")
_LOOP = "the event loop (uvloop's C code, asyncpg reading answers)"


def samples(path: Path) -> list[tuple[list[str], int]]:
    found = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            found.append((stack.split(";"), int(count)))
    return found


def package(frame: str) -> str:
    match = _FRAME_FILE.search(frame)
    where = match.group(1) if match else frame
    for name in PACKAGES:
        if f"/{name}/" in where or where.startswith(f"{name}/") or f"/{name}." in where:
            return name
    return where.rsplit("/", 1)[-1]


def in_loop(stack: list[str]) -> bool:
    """A sample of the requests being served, or of the event loop's own code."""
    return "Runner.run" in stack[-1] or any("serve_for (" in frame for frame in stack)


def summary(found: list[tuple[list[str], int]], functions: tuple[str, ...]) -> list[str]:
    loop = [(stack, count) for stack, count in found if in_loop(stack)]
    total = sum(count for _, count in loop) or 1
    own: Counter[str] = Counter()
    for stack, count in loop:
        top = stack[-1]
        own[_LOOP if "Runner.run" in top else package(top)] += count
    lines = [f"{total} samples of requests served", "", "| own code of | share |"]
    lines.append("| --- | ---: |")
    lines += [f"| {name} | {count / total:.1%} |" for name, count in own.most_common(15)]
    lines += ["", "| function, with what it calls | share |", "| --- | ---: |"]
    for function in functions:
        count = sum(c for stack, c in loop if any(f"{function} (" in frame for frame in stack))
        lines.append(f"| {function} | {count / total:.1%} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("raw", type=Path, help="py-spy's `-f raw` output")
    parser.add_argument("functions", nargs="*", help=f"default: {', '.join(FUNCTIONS)}")
    options = parser.parse_args()
    functions = tuple(options.functions) or FUNCTIONS
    sys.stdout.write("\n".join(summary(samples(options.raw), functions)) + "\n")


if __name__ == "__main__":
    main()
