"""Server time and SQL queries of one request, measured inside the Django process.

Shared by the forum's and django-comments-xtd's measurements (each runs in its own virtualenv).
Timed runs do not record queries; the queries are counted on a separate run, because recording
them costs time of its own.
"""

import statistics
import time
from collections.abc import Callable

from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

HOST = "127.0.0.1"


def client() -> Client:
    """A test client that looks like a browser on the loopback interface (DEBUG is off)."""
    return Client(HTTP_HOST=HOST)


def timed(action: Callable[[], object], runs: int, before: Callable[[], None] | None = None):
    """Median and spread, in milliseconds, of `runs` calls of action (before each: `before`)."""
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        times.append(once(action))
    return summary(times)


def once(action: Callable[[], object]) -> float:
    """Milliseconds one call of action takes."""
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def summary(times: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(times), 3),
        "min_ms": round(min(times), 3),
        "max_ms": round(max(times), 3),
        "runs": len(times),
    }


def queries(action: Callable[[], object]) -> dict:
    """The SQL one call of action sends, slowest first, with how long each took."""
    with CaptureQueriesContext(connection) as captured:
        result = action()
    statements = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    return {
        "count": len(statements),
        "slowest": [
            {"ms": round(float(q["time"]) * 1000, 2), "sql": _flat(q["sql"])[:300]}
            for q in statements[:3]
        ],
        "all": [_flat(q["sql"])[:160] for q in captured.captured_queries],
        "result": result,
    }


def finish_request() -> None:
    """What a real server does after each request and the test client skips: close the
    database connection unless CONN_MAX_AGE keeps it (SQLite's is reopened every time)."""
    close_old_connections()


def _flat(sql: str) -> str:
    return " ".join(sql.split())


def get_ok(browser: Client, url: str, **extra):
    """GET url and insist on a 200, so that an error page is never measured as a success."""
    response = browser.get(url, **extra)
    finish_request()
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response
