"""One render per version of a page, however many processes ask for it at once.

`once(key, render)` gives what is kept under `key`: made already by some process, or being made
by one (waited for, polling, up to WAIT seconds), or else made here by `render()` and kept for
the others. A key names one version of one thing (a page and the generations it was read
under), so what is kept under it is never replaced by anything newer: staleness is the key's
business, not this module's.

What is kept, and the claims to make it, live in the counters' Redis (CACHE_URL): the one place
every process of every server reads at each request anyway. A claim lapses after CLAIM seconds,
so a process that dies mid-render holds nobody up for long; a render that fails, or makes
nothing worth keeping, gives its claim back at once. Without Redis (the embedded default, one
server), or while it cannot be reached, `render()` runs in each process that needs the page and
nothing is shared: the database is not made to carry a copy of every page it serves.
"""

import logging
import time
from collections.abc import Callable

from forum import counters

logger = logging.getLogger(__name__)

WAIT = 1.0  # the longest a reader waits for another process's render before making its own
POLL = 0.01  # a read of one key: cheap, and a waiting reader is served soon after
# Longer than WAIT: a render slower than the wait is left to finish before anyone else claims.
CLAIM = 2.0
# Long enough for the processes that want a new version in the burst after a change to take a
# copy each (they keep theirs longer); short, because the first page of a 1,000-comment thread
# is about 1 MB and every comment makes a new version: at one a second, 30 MB kept at most.
KEEP = 30


class Elsewhere(Exception):
    """Another process is rendering what was asked for, and the caller would not wait."""


def once(key: str, render: Callable[[], bytes | None], *, wait: bool = True) -> bytes | None:
    """What is kept under `key`, waiting for it while another process renders it; else what
    `render()` returns here (None: nothing to keep), kept for the others.

    With `wait` False, a caller that has something else to give meanwhile (the page as it was a
    moment ago) is told at once, by Elsewhere, that another process has the render in hand."""
    if not counters.in_redis():
        return render()
    store = RedisStore()
    try:
        kept, claimed = _kept_or_claimed(store, key, WAIT if wait else 0)
    except counters.Unavailable:
        return render()
    if kept is not None:
        return kept
    if not claimed and not wait:
        raise Elsewhere(key)
    return _render(store, key, render, claimed=claimed)


def underway(key: str) -> bool:
    """Whether some process has claimed the render of `key` and not yet kept what it made."""
    if not counters.in_redis():
        return False
    try:
        return RedisStore().underway(key)
    except counters.Unavailable:
        return False


def _kept_or_claimed(store, key: str, wait: float) -> tuple[bytes | None, bool]:
    """The kept value; else whether this process has claimed the render (False: waited `wait`
    seconds for another's)."""
    deadline = time.monotonic() + wait
    while (kept := store.get(key)) is None:
        if store.claim(key, CLAIM):
            return None, True
        if time.monotonic() >= deadline:
            return None, False
        time.sleep(POLL)
    return kept, False


def _render(store, key: str, render, *, claimed: bool) -> bytes | None:
    started = time.perf_counter()
    made = None
    try:
        made = render()
    finally:
        # Also when render() fails: the claim must not keep the others waiting.
        _keep(store, key, made, claimed)
    ms = (time.perf_counter() - started) * 1000
    logger.info("rendered %s in %.0f ms%s", key, ms, "" if claimed else " (after waiting)")
    return made


def _keep(store, key: str, made: bytes | None, claimed: bool) -> None:
    try:
        if made is not None:
            store.put(key, made, KEEP)
        elif claimed:
            store.release(key)
    except counters.Unavailable:
        pass  # The others will render it themselves, as if there were no store.


class RedisStore:
    """The value and the claim to make it as two Redis keys, each with its own expiry."""

    def get(self, key: str) -> bytes | None:
        return counters.on_redis(lambda client: client.get(_value(key)))

    def claim(self, key: str, seconds: float) -> bool:
        milliseconds = int(seconds * 1000)
        return bool(
            counters.on_redis(lambda client: client.set(_claim(key), 1, nx=True, px=milliseconds))
        )

    def put(self, key: str, value: bytes, seconds: int) -> None:
        # The claim stays until it lapses: a reader who missed the value a moment ago must
        # not be able to claim it again now.
        counters.on_redis(lambda client: client.set(_value(key), value, ex=seconds))

    def release(self, key: str) -> None:
        counters.on_redis(lambda client: client.delete(_claim(key)))

    def underway(self, key: str) -> bool:
        def ask(client):
            both = client.pipeline(transaction=False)
            both.exists(_claim(key))
            both.exists(_value(key))
            return both.execute()

        claimed, made = counters.on_redis(ask)
        return bool(claimed) and not made


def _value(key: str) -> str:
    return f"forum:render:{key}"


def _claim(key: str) -> str:
    return f"forum:render-claim:{key}"
