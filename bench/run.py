"""The benchmark suite: `make bench` (full) and `make bench-smoke` (tiny sizes, SQLite).

    python -m bench.run [--smoke] [--db sqlite|postgres|both] [--out bench/] [--check]

Generates its own data, measures the forum against django-comments-xtd and a bare Django view,
writes RESULTS.md and results.json into --out, and prints which targets hold. With --check it
exits 1 when one does not.
"""

import argparse
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import env, machine, report, services, suite
from bench.sizes import SMOKE, Sizes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, a few seconds each")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--out", type=Path, default=env.BENCH, help="where the results go")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    vendors = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    env.WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    xtd_python = str(env.XTD_PYTHON) if env.XTD_PYTHON.exists() else None
    results = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "smoke": args.smoke,
        "command": " ".join(["python -m bench.run", *(argv or sys.argv[1:])]),
        "machine": machine.describe(),
        "versions": machine.versions(env.python(), xtd_python),
        "sizes": sizes.__dict__,
        "databases": {},
    }
    with services.redis() as redis_url:
        results["cache"] = "redis" if redis_url else "db"
        for number, vendor in enumerate(vendors):
            # One Redis database per run, so that no cached page outlives its data.
            cache_url = f"{redis_url[:-1]}{number}" if redis_url else "db"
            if vendor == "postgres" and not services.postgres_installed():
                results["databases"][vendor] = {"skipped": "PostgreSQL's server is not installed"}
                continue
            try:
                results["databases"][vendor] = _one_database(vendor, cache_url, sizes, results)
            except (RuntimeError, OSError, subprocess.SubprocessError) as error:
                # One database failing must not lose the other's figures.
                traceback.print_exc()
                results["databases"][vendor] = {"skipped": f"the run failed: {error}"[:500]}
    results["seconds"] = round(time.monotonic() - started)
    results["steps"] = suite.STEPS
    held = report.write(results, args.out)
    return 1 if args.check and not held else 0


def _one_database(vendor: str, cache_url: str, sizes: Sizes, results: dict) -> dict:
    with services.databases(vendor) as databases:
        if vendor == "postgres":
            version = services.postgres_version(databases.fresh("bench_version"))
            results["versions"]["postgresql"] = version
        return suite.one_database(vendor, databases, cache_url, sizes)


if __name__ == "__main__":
    sys.exit(main())
