"""A backup's threads, read from staging and their comments rendered, a few posts ahead.

Rendering the comments (forum.markup) and turning a post's HTML into paragraphs are a good part
of an import's work: for a big backup a helper process does both for the next posts while this
one writes, as the text importer's read-ahead does (forum.importing.importer). For a big file the
helper is started before the backup is read, so that it has set Django up by the time the first
thread is wanted.
"""

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from blogarchive import bloggerhtml
from blogarchive.staging import Node, Staging
from forum import markup
from forum.importing import readahead
from forum.importing.importer import READ_AHEAD, READ_AHEAD_FROM

# A backup file this big holds posts enough to pay for starting the helper before it is read.
EARLY_HELPER_FROM = 1 << 20


@dataclass(frozen=True)
class Thread:
    roots: list[Node]
    html: dict[str, str]  # each comment body, rendered
    paragraphs: list[str]  # the post's own text (blogarchive.bloggerhtml.paragraphs)

    def render(self, body: str) -> str:
        return self.html[body] if body in self.html else markup.render(body)


@contextmanager
def early_helper(file_size: int) -> Iterator[ProcessPoolExecutor | None]:
    """The helper process for a backup file this big, started now; None for a smaller one."""
    if file_size < EARLY_HELPER_FROM or (os.cpu_count() or 1) < 2:
        yield None
        return
    with _pool() as pool:
        # The pool starts its process for its first task: this one starts it now.
        pool.submit(int)
        yield pool


def threads(
    staging: Staging, post_ids: list[str], helper: ProcessPoolExecutor | None = None
) -> Iterator[Thread]:
    """Each post's thread, in the order of post_ids; read ahead by helper, if given."""
    if helper is not None:
        yield from _read_ahead(helper, staging, post_ids)
    elif len(post_ids) < READ_AHEAD_FROM or (os.cpu_count() or 1) < 2:
        yield from (_rendered(staging, post_id) for post_id in post_ids)
    else:
        with _pool() as pool:
            yield from _read_ahead(pool, staging, post_ids)


def _read_ahead(pool: ProcessPoolExecutor, staging: Staging, post_ids: list[str]):
    waiting: deque = deque()
    for post_id in post_ids:
        waiting.append(pool.submit(_prepare, str(staging.path.parent), post_id))
        if len(waiting) >= READ_AHEAD:
            yield waiting.popleft().result()
    while waiting:
        yield waiting.popleft().result()


def _pool() -> ProcessPoolExecutor:
    # spawn, not fork: the writer holds database connections and may run threads.
    context = multiprocessing.get_context("spawn")
    # Started as the text importer's is: it exits as soon as this process does, however.
    return ProcessPoolExecutor(1, mp_context=context, initializer=readahead.start)


def _prepare(folder: str, post_id: str) -> Thread:
    return _rendered(_staging(folder), post_id)


@cache
def _staging(folder: str) -> Staging:
    """The helper's own connection to the staging file, opened once."""
    return Staging(Path(folder), create=False)


def _rendered(staging: Staging, post_id: str) -> Thread:
    roots = staging.thread(post_id)
    bodies, stack = set(), list(roots)
    while stack:
        node = stack.pop()
        bodies.add(node.body)
        stack.extend(node.replies)
    html = {body: markup.render(body) for body in bodies}
    return Thread(roots, html, bloggerhtml.paragraphs(staging.post_html(post_id)))
