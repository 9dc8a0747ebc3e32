"""How many processes serve the site: read by gunicorn.conf.py and by the deploy checks alike."""

import multiprocessing
import os


def web_workers() -> int:
    """gunicorn's worker processes: WEB_CONCURRENCY, or two per CPU core plus one."""
    return int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
