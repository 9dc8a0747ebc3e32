"""Where a warm page's server time goes, from cProfile's cumulative times of a few functions.

cProfile slows Python code down, so the shares matter more than the milliseconds.
"""

import cProfile
import pstats
from collections.abc import Callable

# (label, file suffix, function name): the cumulative time of each, per request.
PARTS = [
    ("whole request (handler, middleware, view)", "django/core/handlers/base.py", "get_response"),
    ("the view", "forum/post_views.py", "post_detail"),
    ("template rendering", "django/shortcuts.py", "render"),
    ("SQL (ORM compile and execute)", "django/db/models/sql/compiler.py", "execute_sql"),
    ("kept page, read from the cache", "forum/pages.py", "kept"),
    ("CSRF token for the form", "django/middleware/csrf.py", "get_token"),
    ("thread HTML, kept or rendered", "forum/pages.py", "thread_page"),
    ("database connection set-up", "django/db/backends/base/base.py", "connect"),
]


def profile(action: Callable[[], object], runs: int) -> list[dict]:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        action()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    parts = []
    for label, filename, function in PARTS:
        seconds = sum(
            cumulative
            for (path, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.items()
            if path.endswith(filename) and name == function
        )
        parts.append({"part": label, "ms_per_request": round(seconds * 1000 / runs, 3)})
    return parts
