"""A busy post: readers under wrk while writers post comments to the same thread, against the
same readers alone; and how many times each version of the page was rendered meanwhile.

Each writer is a new visitor every time: it reads the page (for its CSRF and one-use form
tokens) and sends the comment form, as a browser would, once every `interval` seconds.
"""

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path

from bench import load

_TOKEN = re.compile(r'name="(csrfmiddlewaretoken|form_token)" value="([^"]+)"')
# forum.renders logs each render with its key, whose tail names the page's version.
_RENDERED = re.compile(r"^rendered (\S+) in (\d+) ms( \(after waiting\))?$", re.MULTILINE)
COMMENT = "Another comment on a busy post, number {n} from writer {writer}: caseloads again."


def busy_post(url: str, log: Path, *, writers: int, interval: float, plan: dict) -> dict:
    """wrk alone, then wrk with the writers posting; both runs' figures and the renders of each."""
    alone = _measured(url, log, plan)
    stop, outcomes = threading.Event(), Counter()
    threads = [
        threading.Thread(target=_write, args=(url, number, interval, stop, outcomes))
        for number in range(writers)
    ]
    for thread in threads:
        thread.start()
    try:
        busy = _measured(url, log, plan)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    busy["comments"] = dict(outcomes)
    return {"readers_only": alone, "with_writers": busy, "writers": writers, "interval": interval}


def _measured(url: str, log: Path, plan: dict) -> dict:
    start = len(log.read_text())
    result = load.wrk(url, **plan)
    return result | {"renders": renders(log.read_text()[start:])}


def renders(text: str) -> dict:
    """How many renders the log shows, of how many versions, and the most of one version."""
    found = _RENDERED.findall(text)
    per_version = Counter(key for key, _, _ in found)
    times = sorted(int(ms) for _, ms, _ in found)
    return {
        "renders": len(found),
        "versions": len(per_version),
        "most_of_one_version": max(per_version.values(), default=0),
        "after_waiting": sum(1 for _, _, waited in found if waited),
        "median_ms": times[len(times) // 2] if times else None,
    }


def _write(url: str, writer: int, interval: float, stop: threading.Event, outcomes: Counter):
    number, next_at = 0, time.monotonic()
    while not stop.is_set():
        outcomes[_comment(url, COMMENT.format(n=number, writer=writer))] += 1
        number += 1
        next_at += interval
        stop.wait(max(next_at - time.monotonic(), 0))


def _comment(url: str, body: str) -> str:
    """Read the page and post a comment as a new visitor; the answer's status, as text."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirects()
    )
    try:
        with opener.open(url, timeout=30) as page:
            tokens = dict(_TOKEN.findall(page.read().decode()))
        fields = {"author_name": "", "body": body, "website": "", **tokens}
        request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
        with opener.open(request, timeout=30) as answer:
            return str(answer.status)
    except urllib.error.HTTPError as error:
        return str(error.code)
    except OSError as error:
        return type(error).__name__


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 302 to the new comment is the answer: the writer does not follow it."""

    def redirect_request(self, *args, **kwargs):
        return None
