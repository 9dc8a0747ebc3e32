"""Write bench/results.json and bench/RESULTS.md from one run's figures, and print the targets.

python -m bench.report [--out bench/] [--check]   (re-check the last results.json)
"""

import argparse
import json
import sys
from pathlib import Path

from bench import tables
from bench.env import BENCH
from bench.targets import Target, check

MARK = {True: "holds", False: "MISSED", None: "not measured"}


def write(results: dict, out: Path) -> bool:
    """Write both files; True if every target measured holds."""
    measured = {k: v for k, v in results["databases"].items() if "skipped" not in v}
    found = [t for vendor, figures in measured.items() for t in check(vendor, figures)]
    results["targets"] = [t.to_dict() for t in found]
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "RESULTS.md").write_text(markdown(results, found))
    print_targets(found)
    failed = [v for v in results["databases"].values() if "failed" in v.get("skipped", "")]
    return not failed and all(t.holds is not False for t in found)


def print_targets(found: list[Target]) -> None:
    width = max(len(t.name) for t in found)
    print("\nTargets:")
    for t in found:
        print(f"  {MARK[t.holds]:12} {t.name:{width}}  {t.database:8} {t.figure} (target {t.goal})")
        if t.why:
            print(f"  {'':12} {'':{width}}  {'':8} why: {t.why}")


def markdown(results: dict, found: list[Target]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` ({results['command']}) on {results['generated']}, in "
        f"{results['seconds']} s. The same figures are in [results.json](results.json).",
        "",
    ]
    if results["smoke"]:
        lines += [
            "**Smoke run: tiny sizes, for checking the benchmark works, not the figures.**",
            "",
        ]
    lines += [
        "## Targets",
        "",
        "| target | database | figure | target | |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {t.name} | {t.database} | {t.figure} | {t.goal} | {MARK[t.holds]} |" for t in found
    ]
    missed = [t for t in found if t.holds is not True]
    if missed:
        lines += ["", "Why a target is missed or not measured (from this run's figures):", ""]
        lines += [f"- **{t.name}** ({t.database}): {t.why}" for t in missed]
    skipped = {k: v["skipped"] for k, v in results["databases"].items() if "skipped" in v}
    lines += [f"- **{vendor}**: not measured: {reason}." for vendor, reason in skipped.items()]
    lines += ["", *tables.setup(results)]
    for vendor, figures in results["databases"].items():
        if vendor not in skipped:
            lines += ["", *tables.database(vendor, figures, results["sizes"])]
    lines += ["", "## Timeline", ""]
    lines += [f"- {seconds:,} s: {what}" for seconds, what in results.get("steps", [])]
    lines.append(f"- {results['seconds']:,} s: done")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("--out", type=Path, default=BENCH)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    results = json.loads((args.out / "results.json").read_text())
    held = write(results, args.out)
    return 1 if args.check and not held else 0


if __name__ == "__main__":
    sys.exit(main())
