"""Django's PostgreSQL backend, with a deadline on every wait for the server.

libpq waits for an answer for as long as it takes, so a server that hangs (stopped, swapping,
its disk stuck) holds every request until gunicorn kills the worker, and the requests it
abandoned run later. The server's statement_timeout needs a server that runs; TCP keepalives and
tcp_user_timeout need a peer whose kernel stops answering; neither sees a stopped process on a
live machine. psycopg2's wait callback (meant for coroutine libraries) makes each wait a poll()
with a timeout in Python instead: a silent server raises OperationalError when the deadline
passes, and psycopg2 closes that connection, whose state is then unknown.

OPTIONS["deadline"] is the deadline in seconds (0: none); connecting waits at most
connect_timeout, and the health check Django runs before reusing a connection one second.
"""

import select
import time
from contextlib import contextmanager
from contextvars import ContextVar

import psycopg2
from django.db.backends.postgresql import base
from psycopg2 import extensions

HEALTH_CHECK_SECONDS = 1.0
# Seconds, for the whole process (0: wait for ever); a shorter one for the current context.
_limits = {"statement": 0.0, "connect": 0.0}
_shorter_limit = ContextVar("shorter_limit", default=0.0)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        deadline = float(params.pop("deadline", 0) or 0)
        if deadline:
            _limits["statement"] = deadline
            _limits["connect"] = float(params.get("connect_timeout") or deadline)
            extensions.set_wait_callback(wait_within_deadline)
        return params

    def is_usable(self):
        # Asked before a request reuses the connection: a hung server must not cost a whole
        # deadline here, and then another one to connect afresh.
        with shorter_deadline(HEALTH_CHECK_SECONDS):
            return super().is_usable()


@contextmanager
def shorter_deadline(seconds: float):
    """Within this block, give up on the server after `seconds` at most."""
    token = _shorter_limit.set(seconds)
    try:
        yield
    finally:
        _shorter_limit.reset(token)


def wait_within_deadline(connection) -> None:
    """Wait for the server like libpq does, but give up once the deadline has passed."""
    if connection.status == extensions.STATUS_SETUP:
        limit = _limits["connect"]
    else:
        limit = min(filter(None, (_limits["statement"], _shorter_limit.get())), default=0)
    deadline = time.monotonic() + limit if limit else None
    poller = select.poll()
    while (state := connection.poll()) != extensions.POLL_OK:
        events = select.POLLIN if state == extensions.POLL_READ else select.POLLOUT
        poller.register(connection.fileno(), events)
        if deadline is None:
            poller.poll()
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not poller.poll(remaining * 1000):
            raise psycopg2.OperationalError(f"the database did not answer within {limit:g} s")
