"""Throughput and latency under load, from wrk (Debian's package) on the loopback interface."""

import os
import re
import shutil
import subprocess
import time
import urllib.request

from bench import quiet

SLOW_MS = 200  # a page this slow is loaded with fewer connections, for longer
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_PERCENTILE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def available() -> bool:
    return shutil.which("wrk") is not None


def version() -> str:
    result = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return (result.stdout + result.stderr).split("[")[0].strip().removeprefix("wrk ")


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    quiet_seconds: float,
    server_ms: float,
    returning: bool = True,
):
    """One bounded wrk run after a warm-up; requests/s, p50/p99 latency, errors, and how much
    of the CPUs other people's processes took meanwhile. `returning`: as a returning reader
    (RETURNING_READER), else as a first-time one (no cookies)."""
    threads = min(2, connections)
    busy_before = quiet.wait_for_quiet(quiet_seconds)
    options = {"connections": connections, "threads": threads}
    options["headers"] = [RETURNING_READER] if returning else []
    if server_ms < SLOW_MS:
        _run(url, seconds=1, **options)
    else:
        # A one-second wrk run would leave a backlog of slow requests behind it; one will do.
        with urllib.request.urlopen(url, timeout=300) as response:
            response.read()
    with quiet.Contention() as contention:
        output = _run(url, seconds=seconds, **options)
    if server_ms >= SLOW_MS:
        # wrk leaves its last requests unanswered: let the server finish them first.
        time.sleep(min(connections * server_ms / 1000 / (os.cpu_count() or 1), 60))
    return parse(output) | {
        "seconds": seconds,
        "connections": connections,
        "threads": threads,
        "busy_before": busy_before,
        "others_cpu_share": contention.others,
    }


# Every server gets the CSRF cookie a reader's browser sends back after its first visit, as
# most page views are by returning readers; without it each request is a first visit, and
# Django mints a new secret for the cookie it sets (32 more random characters, in every
# server with a comment form).
RETURNING_READER = "Cookie: csrftoken=benchReturningReaderCsrfSecret01"


def _run(url: str, *, seconds: int, connections: int, threads: int, headers: list[str]) -> str:
    # wrk's own timeout must exceed the slowest page, or slow pages count as errors, not latency.
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    for header in headers:
        args += ["--header", header]
    result = subprocess.run(
        [*args, "--latency", url], capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    return result.stdout


def parse(output: str) -> dict:
    """The figures of wrk's --latency report."""
    percentiles = {f"p{p}_ms": float(v) * _UNITS[u] for p, v, u in _PERCENTILE.findall(output)}
    errors = _ERRORS.search(output)
    non_2xx = _NON_2XX.search(output)
    return {
        "requests_per_second": float(_RATE.search(output).group(1)),
        "requests": int(_TOTAL.search(output).group(1)),
        "p50_ms": percentiles.get("p50_ms"),
        "p99_ms": percentiles.get("p99_ms"),
        "errors": sum(map(int, errors.groups())) if errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }
