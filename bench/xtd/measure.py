"""Server time and SQL queries of the django-comments-xtd pages, measured in-process.

python -m bench.xtd.measure MANIFEST SIZES_JSON OUT_JSON   (in bench/.venv-xtd)
"""

import json
import sys
import time
from pathlib import Path

import django

from bench.sizes import Sizes

SLOW_MS = 1_000  # a page this slow is timed twice, not warm_runs times


def main(manifest: dict, sizes: Sizes, out: Path) -> None:
    django.setup()
    from bench import inprocess

    result = {}
    for n, page in manifest["pages"].items():
        browser = inprocess.client()

        def get(browser=browser, url=page["url"]):
            browser.cookies.clear()
            return inprocess.get_ok(browser, url)

        # The first request: its queries and its bytes, and a warm-up for the timed ones.
        start = time.perf_counter()
        first = inprocess.queries(get)
        slow = (time.perf_counter() - start) * 1000 > SLOW_MS
        content = first["result"].content
        result[n] = {
            # Nothing is cached: every request reads and renders the whole tree.
            "warm": inprocess.timed(get, 2 if slow else max(sizes.warm_runs // 3, 2)),
            "queries": first["count"],
            "bytes": len(content),
            "comments_shown": content.count(b'<div id="c'),
        }
    out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(json.loads(Path(sys.argv[1]).read_text()), Sizes.from_json(sys.argv[2]), Path(sys.argv[3]))
