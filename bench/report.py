"""The results: a markdown table per database and the same numbers as JSON."""

from __future__ import annotations

import os
from typing import Any

# Ratio to the bare baseline each scenario must reach (PostgreSQL, 32 connections): issue
# 16's multiples of the original BadgeKit API, which ran on one core of a machine whose bare
# baseline was ~52k req/s (one badge 5x its 593 req/s is 5.7 % of that, and so on).
TARGET_RATIOS = {
    "health": 0.50,
    "badge_list": 0.020,
    "one_badge": 0.057,
    "public_assertion": 0.084,
    "earner_instances": 0.061,
    "award": 0.024,
    "claim": 0.025,
    "application": 0.018,
    "mixed": 0.024,
}
TARGET_P99_MS = 50.0
WORKER_RSS_LIMIT_MB = 150.0
# The original BadgeKit API (Node.js, MariaDB) on the same kind of machine: req/s, p99 ms.
ORIGINAL = {
    "health": (9214, 11.5),
    "badge_list": (34, 968),
    "one_badge": (593, 91),
    "public_assertion": (438, 110),
    "earner_instances": (631, 75),
    "award": (422, 112),
    "claim": (440, 102),
    "application": (315, 132),
    "mixed": (125, 606),
}
HEADER = (
    "| scenario | req/s | vs baseline | target | p50 ms | p90 ms | p99 ms | errors | wrong "
    "| queries | worker RSS MB | original req/s (p99 ms) | met |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |"
)


def meets_target(name: str, row: dict[str, Any]) -> bool:
    return bool(
        row["ratio"] >= TARGET_RATIOS[name]
        and row["p99_ms"] <= TARGET_P99_MS
        and row["errors"] == 0
        and row["wrong"] == 0
    )


def _errors(row: dict[str, Any]) -> str:
    if not row["error_detail"]:
        return str(row["errors"])
    detail = ", ".join(f"{kind}: {count}" for kind, count in row["error_detail"].items())
    return f"{row['errors']} ({detail})"


def _line(name: str, row: dict[str, Any]) -> str:
    original_rate, original_p99 = ORIGINAL[name]
    queries = row.get("queries", "?")
    cells = [
        row["title"] + (" (plan used up)" if row.get("ran_out") else ""),
        f"{row['rate']:,.0f}",
        f"{row['ratio']:.1%}",
        f"{TARGET_RATIOS[name]:.1%}",
        f"{row['p50_ms']:.1f}",
        f"{row['p90_ms']:.1f}",
        f"{row['p99_ms']:.1f}",
        _errors(row),
        str(row["wrong"]),
        f"{queries:g}" if isinstance(queries, float | int) else str(queries),
        f"{row['worker_rss_mb']:.0f}" if row.get("worker_rss_mb") else "?",
        f"{original_rate:,} ({original_p99:g})",
        "yes" if meets_target(name, row) else "no",
    ]
    return "| " + " | ".join(cells) + " |"


def markdown(database: str, result: dict[str, Any]) -> str:
    baseline = result["baseline"]
    lines = [
        f"### {database}",
        "",
        f"Bare ASGI baseline: **{baseline['rate']:,.0f} req/s** "
        f"(p50 {baseline['p50_ms']:.2f} ms, p99 {baseline['p99_ms']:.2f} ms).",
        "",
        HEADER,
        *(_line(name, row) for name, row in result["scenarios"].items()),
    ]
    largest = max(
        (row.get("worker_rss_mb") or 0 for row in result["scenarios"].values()), default=0
    )
    if largest:
        within = "within" if largest < WORKER_RSS_LIMIT_MB else "over"
        lines += [
            "",
            f"Largest worker RSS after a scenario: {largest:.0f} MB ({within} the "
            f"{WORKER_RSS_LIMIT_MB:.0f} MB a worker may use under load).",
        ]
    lines += cpu_markdown(result)
    claims = result.get("claim_check")
    if claims:
        lines += [
            "",
            f"Claim codes: {claims['codes_tried']} tried by 4 claimers each "
            f"({claims['codes_fully_answered']} with all 4 answers in the run); "
            f"won more than once: {claims['won_more_than_once']}, "
            f"all 4 lost: {claims['fully_answered_without_winner']}, "
            f"won but not shown claimed: {claims['won_but_not_claimed']}.",
        ]
    return "\n".join(lines) + "\n"


def machine_markdown(machine: dict[str, Any], options: dict[str, Any]) -> str:
    workers = options["workers"]
    if options.get("server", "uvicorn") == "granian":
        server = f"the app under Granian (`--interface asgi`, {workers} workers)"
    else:
        server = f"`badgekit-api serve --workers {workers}`"
    lines = [
        f"- Date: {machine['date']}",
        f"- CPU: {machine['cores']} cores ({machine['cpu']}), memory {machine['memory_gib']} GiB",
        f"- Python {machine['python']}, SQLite {machine['sqlite']}, "
        f"PostgreSQL {machine.get('postgresql', 'not measured')}, {machine['wrk']}",
        f"- Server: {server} (webhook worker and "
        "request log on; database pool sized for the connections, defaults otherwise); "
        f"baseline on {options['baseline_workers']} uvicorn worker(s)",
        f"- Load: wrk, {options['threads']} thread(s), {options['connections']} connections, "
        f"{options['warmup']} s warm-up then {options['duration']} s measured per scenario",
        f"- Load average (1, 5, 15 min) before / after: {machine['load_before']} / "
        f"{machine.get('load_after', '?')}",
    ]
    return "\n".join(lines) + "\n"


CPU_HEADER = (
    "| scenario | server | database | load generator | other | total | ceiling req/s |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def cpu_markdown(result: dict[str, Any]) -> list[str]:
    """CPU ms per request by party (bench/cpu_share.py) and the rate the machine's cores
    could give at that cost: the floor the ratios are measured against."""
    rows = [("bare ASGI baseline", result["baseline"])] + [
        (row["title"], row) for row in result["scenarios"].values()
    ]
    if not all("cpu_ms" in row for _, row in rows):
        return []
    cores = os.cpu_count() or 2
    lines = ["", f"CPU milliseconds per request, by process ({cores} cores):", "", CPU_HEADER]
    for title, row in rows:
        cpu = row["cpu_ms"]
        total = sum(cpu.values())
        ceiling = cores * 1000 / total if total else 0
        cells = [title, *(f"{cpu[p]:.3f}" for p in ("server", "database", "load", "other"))]
        lines.append("| " + " | ".join([*cells, f"{total:.3f}", f"{ceiling:,.0f}"]) + " |")
    return lines
