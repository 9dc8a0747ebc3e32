"""gunicorn's settings for the forum, read from the environment like config.settings.

    gunicorn config.wsgi     (gunicorn reads this file from the working directory by itself)

GUNICORN_BIND     address to listen on (default 127.0.0.1:8000; behind a proxy, keep loopback)
WEB_CONCURRENCY   worker processes (default: 2 per CPU core, plus one)
GUNICORN_TIMEOUT  seconds before a silent worker is restarted (default 30)
GUNICORN_ACCESS_LOG  where to write the access log ("-" for stderr; default: no access log)

The benchmark (bench/) serves the forum, the django-comments-xtd comparison and the framework
ceiling with this same file, so that they differ only in the application.
"""

import os

from config.processes import web_workers

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: a page is CPU and database work with no long waits, so one request per
# process at a time, with a few more processes than cores to cover the database round trips.
worker_class = "sync"
workers = web_workers()
# A worker silent this long is killed with its request. It must stay well above the database's
# own limits (config.settings DATABASE_TIMEOUT, 5 s; a reconnect, 3 s more), so that a hung
# database ends each request as a 503 page, logged, rather than as a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
# Django is imported once before forking: workers start faster and share its memory.
preload_app = True
# Recycle workers now and then, so that a slow leak in any library never grows without bound.
max_requests = 5_000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# The path only: a one-click moderation link carries its secret in the query string, and the
# referrer could too. No client address either (none is stored anywhere; see the README).
# config.checks refuses any other field here.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
