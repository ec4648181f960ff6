"""Run wrk (installing Debian's package when it is missing) with plan.lua."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("plan.lua")


def ensure_wrk() -> str:
    """The wrk executable; `apt-get install wrk` first when it is not there."""
    found = shutil.which("wrk")
    if found:
        return found
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
        subprocess.run(install, check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


@dataclass
class Measured:
    """What one wrk run saw."""

    answered: int
    taken: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]
    errors: dict[str, int]
    wrong: int
    tagged: list[tuple[int, int]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @classmethod
    def from_result(cls, data: dict[str, Any]) -> Measured:
        errors = {f"status {code}": count for code, count in data["failed_statuses"].items()}
        errors.update({name: n for name, n in data["socket_errors"].items() if n})
        tagged = [tuple(int(part) for part in item.split(":")) for item in data["tagged"]]
        return cls(
            answered=data["answered"],
            taken=data["taken"],
            seconds=data["seconds"],
            p50_ms=data["p50_ms"],
            p90_ms=data["p90_ms"],
            p99_ms=data["p99_ms"],
            max_ms=data["max_ms"],
            statuses=data["statuses"],
            errors=errors,
            wrong=data["wrong"],
            tagged=[(tag, status) for tag, status in tagged],
        )


def run_wrk(
    base_url: str,
    plan: Path,
    *,
    first: int,
    cyclic: bool,
    connections: int,
    seconds: float,
    threads: int = 1,
) -> Measured:
    """Load `base_url` with the plan from entry `first` on, for `seconds` (or until a finite
    plan runs out)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as result_file:
        result = Path(result_file.name)
    command = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
        base_url,
        "--",
        str(plan),
        str(result),
        str(first),
        "1" if cyclic else "0",
        str(threads),
    ]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
        if completed.returncode != 0 or result.stat().st_size == 0:
            raise RuntimeError(f"wrk failed: {completed.stderr or completed.stdout}")
        return Measured.from_result(json.loads(result.read_text()))
    finally:
        result.unlink(missing_ok=True)
