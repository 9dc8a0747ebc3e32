"""The import part of the benchmark alone: pages and Blogger backups, with their targets.

    python -m bench.imports_only [--smoke] [--db sqlite|postgres]

Runs what `make bench` runs for import_blog (the archives of pages, then the Blogger backups),
each into an empty database, prints the figures and whether the import targets hold, and
writes them to the work directory; RESULTS.md is left to the whole run.
"""

import argparse
import json
import sys

from bench import env, services, suite, targets
from bench.sizes import SMOKE, Sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports_only")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    env.WORK.mkdir(parents=True, exist_ok=True)
    with services.databases(args.db) as databases:

        def migrate(url: str) -> None:
            env.manage(env.django_env(url, "db"), "migrate", "--no-input", "-v", "0")

        figures = {
            "import": suite.imports_of_pages(args.db, databases, migrate, "db", sizes),
            "import_backup": suite.backup_imports(args.db, databases, migrate, "db", sizes),
        }
    (env.WORK / f"imports-{args.db}.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    held = True
    for target in (targets.importing(args.db, figures), targets.importing_backup(args.db, figures)):
        held = held and bool(target.holds)
        verdict = "holds" if target.holds else "MISSED"
        print(f"{target.name} ({args.db}): {target.figure} [{target.goal}: {verdict}] {target.why}")
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
