"""How busy the machine is with other work: load figures mean little on a busy machine.

Before each load test the bench waits (a bounded time) for the CPUs to be mostly idle; during
it, it records the share of CPU time that processes other than its own used, so that RESULTS.md
can say when a figure was taken under contention.
"""

import os
import time
from pathlib import Path

_PROC = Path("/proc")


def _cpu_times() -> tuple[int, int]:
    fields = [int(v) for v in (_PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]  # all, idle + iowait


def _processes() -> dict[int, tuple[int, int]]:
    """Every process's parent and CPU time (user + system, in clock ticks)."""
    found = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name may hold spaces: the fields after its closing ")" are fixed.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        found[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return found


def _ours(processes: dict[int, tuple[int, int]]) -> set[int]:
    """This process and its descendants (the servers and wrk it started)."""
    ours, grew = {os.getpid()}, True
    while grew:
        children = {pid for pid, (parent, _) in processes.items() if parent in ours} - ours
        ours |= children
        grew = bool(children)
    return ours


class Contention:
    """Share of all CPUs' time used by other people's processes while the block ran."""

    def __enter__(self):
        self.before, self.cpu_before = _processes(), _cpu_times()
        return self

    def __exit__(self, *exc) -> None:
        after, cpu_after = _processes(), _cpu_times()
        ours = _ours(after)
        busy = sum(
            ticks - self.before.get(pid, (0, 0))[1]
            for pid, (_, ticks) in after.items()
            if pid not in ours
        )
        total = cpu_after[0] - self.cpu_before[0]
        self.others = round(max(busy, 0) / total, 3) if total else None


def busy_share(interval: float = 1.0) -> float:
    """The share of all CPUs' time spent on anything over the next `interval` seconds."""
    before = _cpu_times()
    time.sleep(interval)
    after = _cpu_times()
    total, idle = after[0] - before[0], after[1] - before[1]
    return round(1 - idle / total, 3) if total else 0.0


def wait_for_quiet(max_seconds: float, threshold: float = 0.15) -> float:
    """Wait until under `threshold` of the CPUs are busy, or max_seconds; the last share seen."""
    deadline = time.monotonic() + max_seconds
    share = busy_share(0.3)
    while share > threshold and time.monotonic() < deadline:
        share = busy_share()
    return share
