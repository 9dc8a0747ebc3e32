"""The forum's WSGI application, with a pause after each accepted comment and before its
answer: a window in which a test can kill the worker after COMMIT, as the answer is on its way.

Each pause is announced by an empty file named after the worker's pid in SLOW_ANSWER_DIR.
"""

import os
import time
from pathlib import Path

from config.wsgi import application as forum

PAUSE_SECONDS = float(os.environ.get("SLOW_ANSWER_SECONDS", "0.5"))
ANNOUNCE = Path(os.environ.get("SLOW_ANSWER_DIR", "/nonexistent"))


def application(environ, start_response):
    def start(status, headers, exc_info=None):
        if environ["REQUEST_METHOD"] == "POST" and status.startswith("302"):
            (ANNOUNCE / str(os.getpid())).touch()
            time.sleep(PAUSE_SECONDS)
        return start_response(status, headers, exc_info)

    return forum(environ, start)
