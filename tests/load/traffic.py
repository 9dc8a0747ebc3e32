"""Many readers commenting at once: who sent what, and what the server answered."""

import random
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tests.load.readers import Answer, Reader

MARKER = re.compile(r"\[load (\d{4})\]")
REPLY_SHARE = 0.6


@dataclass(frozen=True)
class Submission:
    """One comment sent: its unique marker, where it went, and the server's answer."""

    number: int
    post_url: str
    parent: int | None
    body: str
    answer: Answer

    @property
    def accepted(self) -> bool:
        return self.answer.comment_id is not None


def body_for(number: int, reader: int) -> str:
    return f"[load {number:04d}] Reader {reader} adds a thought on the waiting game."


class _Board:
    """What the readers share: the next comment number, and the comments they may reply to."""

    def __init__(self, threads: dict[str, list[int]], total: int):
        self.threads = {url: list(ids) for url, ids in threads.items()}
        self.total, self.next_number = total, 0
        self.lock = threading.Lock()

    def take(self, rng: random.Random) -> tuple[int, str, int | None] | None:
        with self.lock:
            if self.next_number >= self.total:
                return None
            self.next_number += 1
            url = rng.choice(sorted(self.threads))
            ids = self.threads[url]
            parent = rng.choice(ids) if ids and rng.random() < REPLY_SHARE else None
            return self.next_number, url, parent

    def published(self, url: str, comment_id: int) -> None:
        # With moderation off an accepted comment is published, so later replies may answer it.
        with self.lock:
            self.threads[url].append(comment_id)


def submit_concurrently(
    base_url: str,
    threads: dict[str, list[int]],
    *,
    readers: int,
    total: int,
    seconds: float,
    stop: threading.Event | None = None,
) -> list[Submission]:
    """`readers` browsers send `total` comments and replies between them, within `seconds`.

    They stop early, each after its current comment, once `stop` is set.
    """
    board = _Board(threads, total)
    deadline = time.monotonic() + seconds
    stop = stop or threading.Event()

    def reader_loop(number: int) -> list[Submission]:
        reader, rng, sent = Reader(base_url), random.Random(number), []
        while time.monotonic() < deadline and not stop.is_set() and (task := board.take(rng)):
            comment_number, url, parent = task
            body = body_for(comment_number, number)
            answer = reader.comment(url, body=body, parent=parent)
            sent.append(Submission(comment_number, url, parent, body, answer))
            if answer.comment_id is not None:
                board.published(url, answer.comment_id)
        return sent

    with ThreadPoolExecutor(max_workers=readers) as pool:
        results = list(pool.map(reader_loop, range(1, readers + 1)))
    return [submission for sent in results for submission in sent]


def statuses(submissions: list[Submission]) -> Counter:
    return Counter(submission.answer.status for submission in submissions)


def stored_by_marker(bodies: list) -> dict[int, list[tuple]]:
    """The stored comments (pk, body, body_html) that carry each marker."""
    found: dict[int, list[tuple]] = {}
    for pk, body, html in bodies:
        for number in MARKER.findall(body):
            found.setdefault(int(number), []).append((pk, body, html))
    return found
