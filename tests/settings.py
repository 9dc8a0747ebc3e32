"""The settings tests run under: the project's own, in development mode unless told otherwise.

So that a plain `pytest` works on a fresh clone, with no DEBUG or SECRET_KEY exported. Servers
the tests start as processes of their own are given config.settings and their environment.
"""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: F403  (the project's settings, whole)
