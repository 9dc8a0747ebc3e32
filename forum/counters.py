"""Numbers that must be exact and must never be evicted: rate-limit windows and generations.

They live in Redis when `CACHE_URL` names one, otherwise in the database's `forum_counter` table;
never in a cache, which may drop any entry to make room (Django's database cache culls a third
of its table, in key order, whenever it is full). Every change is one atomic operation, so
parallel requests neither lose a count nor pass a limit together.

- `hit(name, seconds)`: count one event in a window that opens with the first event and lasts
  `seconds`; the count so far, this event included. `hits({name: seconds, ...})` counts one
  event in each of several windows at once, in one statement.
- `generations(names)`: the current generation of each name, made up on first use.
- `renew(name)`: a new generation for the name (what was kept under the old one is stale).

When Redis does not answer, each call raises `Unavailable` at once for a moment rather than
wait on it again; the outage and the recovery are logged once each per process.
"""

import logging
import os
import secrets
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

# A hung Redis costs a request at most this long per call, and then nothing for RETRY_AFTER.
TIMEOUT = 0.25
RETRY_AFTER = 2.0
# Closed windows are dropped from the database table at most this often by each process.
SWEEP_EVERY = 60.0


class Unavailable(Exception):
    """The counter store cannot be reached just now."""


def hit(name: str, seconds: int) -> int:
    """Count one event under `name` in its current window of `seconds`; the count, this one in."""
    return hits({name: seconds})[name]


def hits(windows: dict[str, int]) -> dict[str, int]:
    """Count one event in each window (name -> seconds) in one atomic step; each count."""
    return _store().hits(windows)


def generations(names: list[str]) -> dict[str, int]:
    """The current generation of each name (a new random one for a name never seen)."""
    return _store().generations(names)


def renew(name: str) -> None:
    """Give `name` a new generation."""
    _store().renew(name)


def in_redis() -> bool:
    """Whether the counters live in Redis (CACHE_URL names one) rather than the database."""
    return isinstance(_store(), RedisCounters)


def on_redis(operation):
    """`operation(client)` on the counters' Redis client, failing fast as the counters do."""
    return _store().call(operation)


def _now() -> float:
    return time.time()


def _new_generation() -> int:
    # Random rather than +1: after a store is wiped, a name never comes back to an old value.
    return secrets.randbits(62)


class DatabaseCounters:
    """One row per name in `forum_counter`; each call is one statement (SQLite >= 3.35, PG),
    and now and then a second that drops the windows that have closed."""

    def __init__(self):
        self._last_sweep = float("-inf")

    _HIT = """
        INSERT INTO forum_counter (name, value, expires) VALUES {rows}
        ON CONFLICT (name) DO UPDATE SET
            value = CASE WHEN forum_counter.expires <= %s THEN 1
                         ELSE forum_counter.value + 1 END,
            expires = CASE WHEN forum_counter.expires <= %s THEN excluded.expires
                           ELSE forum_counter.expires END
        RETURNING name, value
    """
    # The no-op update makes RETURNING give the stored value when the name exists already.
    _CLAIM = """
        INSERT INTO forum_counter (name, value, expires) VALUES (%s, %s, NULL)
        ON CONFLICT (name) DO UPDATE SET value = forum_counter.value
        RETURNING value
    """
    _RENEW = """
        INSERT INTO forum_counter (name, value, expires) VALUES (%s, %s, NULL)
        ON CONFLICT (name) DO UPDATE SET value = excluded.value
    """

    def hits(self, windows: dict[str, int]) -> dict[str, int]:
        now = _now()
        # In name order, so that two statements counting the same names lock their rows in
        # the same order (PostgreSQL) and never wait on each other in a circle.
        names = sorted(windows)
        rows = ", ".join(["(%s, 1, %s)"] * len(names))
        params = [value for name in names for value in (name, now + windows[name])]
        with connection.cursor() as cursor:
            cursor.execute(self._HIT.format(rows=rows), [*params, now, now])
            counts = dict(cursor.fetchall())
            # A window has just opened: a good moment to drop the windows that have closed.
            # Once a minute (or after the clock was set back) keeps the table small and spares
            # most comments a statement, since most open a window.
            if 1 in counts.values() and abs(now - self._last_sweep) >= SWEEP_EVERY:
                cursor.execute("DELETE FROM forum_counter WHERE expires < %s", [now])
                self._last_sweep = now
        return counts

    def generations(self, names: list[str]) -> dict[str, int]:
        found = self._select(names)
        missing = set(names) - found.keys()
        if not missing:
            return found
        try:
            # A savepoint: a database that refuses writes (a read-only standby, a full disk)
            # must cost the reader only the kept page, not the transaction around it.
            with transaction.atomic(), connection.cursor() as cursor:
                for name in missing:
                    cursor.execute(self._CLAIM, [name, _new_generation()])
                    found[name] = cursor.fetchone()[0]
        except DatabaseError as error:
            raise Unavailable from error
        return found

    def _select(self, names: list[str]) -> dict[str, int]:
        marks = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT name, value FROM forum_counter WHERE name IN ({marks})", list(names)
            )
            return dict(cursor.fetchall())

    def renew(self, name: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(self._RENEW, [name, _new_generation()])


class RedisCounters:
    """One Redis key per name, under a prefix; the client fails fast when Redis does not.

    The generations that every kept page reads go over a connection of their own, held by the
    process: the client's checkout from its pool for each command cost more than the round trip.
    """

    def __init__(self, url: str):
        import redis

        self._errors = (redis.RedisError, OSError)
        self._closed = redis.ConnectionError
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT,
            socket_connect_timeout=TIMEOUT,
            retry=None,
            retry_on_timeout=False,
        )
        pool = self._client.connection_pool
        self._reader = pool.connection_class(**pool.connection_kwargs)
        self._reader_lock = threading.Lock()
        self._down_until = 0.0

    def hits(self, windows: dict[str, int]) -> dict[str, int]:
        def count(client):
            # All in one MULTI: each window opens with its expiry, and INCR keeps that expiry.
            pipe = client.pipeline(transaction=True)
            for name, seconds in windows.items():
                pipe.set(_key(name), 0, ex=seconds, nx=True)
                pipe.incr(_key(name))
            return dict(zip(windows, pipe.execute()[1::2], strict=True))

        return self.call(count)

    def generations(self, names: list[str]) -> dict[str, int]:
        def read(client):
            values = self._read_many([_key(name) for name in names])
            found = {n: int(v) for n, v in zip(names, values, strict=True) if v is not None}
            for name in set(names) - found.keys():
                pipe = client.pipeline(transaction=True)
                pipe.set(_key(name), _new_generation(), nx=True)
                pipe.get(_key(name))
                found[name] = int(pipe.execute()[1])
            return found

        return self.call(read)

    def _read_many(self, keys: list[str]) -> list[bytes | None]:
        """MGET on the process's own connection, one thread at a time; once more, on a new
        connection, when Redis has closed the one held (a restart)."""
        with self._reader_lock:
            try:
                return self._mget(keys)
            except self._closed:
                return self._mget(keys)

    def _mget(self, keys: list[str]) -> list[bytes | None]:
        try:
            self._reader.send_command("MGET", *keys)
            return self._reader.read_response()
        except BaseException:
            # Whatever went wrong may leave a reply unread, which would answer the next read.
            self._reader.disconnect()
            raise

    def renew(self, name: str) -> None:
        self.call(lambda client: client.set(_key(name), _new_generation()))

    def call(self, operation):
        """`operation(client)`, or Unavailable at once while Redis has lately not answered."""
        if time.monotonic() < self._down_until:
            raise Unavailable
        try:
            result = operation(self._client)
        except self._errors as error:
            if not self._down_until:
                logger.error("Redis (counters) is not answering, posting is paused: %s", error)
            self._down_until = time.monotonic() + RETRY_AFTER
            raise Unavailable from error
        if self._down_until:
            logger.warning("Redis (counters) answers again, posting resumes")
            self._down_until = 0.0
        return result


def _key(name: str) -> str:
    return f"forum:{name}"


_STORES: dict[str, object] = {}
# A forked process makes its own: a connection shared with its parent would mix their replies.
os.register_at_fork(after_in_child=_STORES.clear)


def _store():
    # One store per process and setting: Redis keeps its client's connection pool open.
    url = settings.FORUM_COUNTERS_URL
    if url not in _STORES:
        _STORES[url] = RedisCounters(url) if url else DatabaseCounters()
    return _STORES[url]
