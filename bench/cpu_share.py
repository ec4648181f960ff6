"""Where a scenario's CPU goes: the server's processes, the database server's, the load
generator's and everything else's, as CPU milliseconds per answered request.

On two cores shared by all of them this is the floor the rates are measured against: at
saturation, req/s can be at most 2000 / (the sum of the parties' ms per request), and a
party's share says what making it cheaper could buy. Read from /proc (Linux): each
process's user + system time, and the machine's busy time from /proc/stat.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

TICKS = os.sysconf("SC_CLK_TCK")
DATABASE_COMMANDS = ("postgres", "mariadbd", "mysqld")
T = TypeVar("T")


@dataclass(frozen=True)
class CpuSeconds:
    server: float
    database: float
    load: float
    machine: float

    def minus(self, earlier: CpuSeconds) -> CpuSeconds:
        return CpuSeconds(
            server=self.server - earlier.server,
            database=self.database - earlier.database,
            load=self.load - earlier.load,
            machine=self.machine - earlier.machine,
        )


def _processes() -> Iterable[tuple[int, int, str, float]]:
    """(pid, parent pid, command, CPU seconds) of every process we may read."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        command = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat.rpartition(")")[2].split()
        # After the command: state, ppid, ...; utime and stime are fields 14 and 15 of
        # the whole line, 11 and 12 after it.
        yield int(entry.name), int(fields[1]), command, (int(fields[11]) + int(fields[12])) / TICKS


def _machine_busy_seconds() -> float:
    with open("/proc/stat") as stat:
        cpu = stat.readline().split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in cpu[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


def sample(server_pid: int) -> CpuSeconds:
    """CPU used so far by the server (the process and its descendants), the database
    servers, and the load generator (this process's reaped children: wrk)."""
    processes = list(_processes())
    children: dict[int, list[int]] = {}
    for pid, parent, _command, _seconds in processes:
        children.setdefault(parent, []).append(pid)
    ours = {server_pid}
    pending = [server_pid]
    while pending:
        for child in children.get(pending.pop(), []):
            ours.add(child)
            pending.append(child)
    server = sum(seconds for pid, _, _, seconds in processes if pid in ours)
    database = sum(
        seconds for _, _, command, seconds in processes if command.startswith(DATABASE_COMMANDS)
    )
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CpuSeconds(
        server=server,
        database=database,
        load=reaped.ru_utime + reaped.ru_stime,
        machine=_machine_busy_seconds(),
    )


def measured(
    server_pid: int, run: Callable[[], T], answered: Callable[[T], int]
) -> tuple[T, dict[str, float]]:
    """`run()`'s result and its CPU milliseconds per answered request, by party."""
    before = sample(server_pid)
    result = run()
    spent = sample(server_pid).minus(before)
    requests = max(answered(result), 1)
    other = spent.machine - spent.server - spent.database - spent.load
    per_request = {
        "server": spent.server,
        "database": spent.database,
        "load": spent.load,
        "other": max(other, 0.0),
    }
    return result, {
        party: round(seconds * 1000 / requests, 4) for party, seconds in per_request.items()
    }
