"""The thread's HTML a conversation at a time, each kept in this process while what it shows
is unchanged.

On a busy post every comment makes a new version of the page, and the version is rendered
again (by one process: forum.renders). Most of it has not changed: a new comment is one
conversation (a top-level comment and its replies) out of a few hundred on the page. So for the
readers who share the page (forum.rendering.Viewer.is_anonymous_reader), each conversation's
HTML is kept under the facts it is made from, and only a conversation whose facts differ is
rendered: its comments as the page shows them, whether the post takes replies, the language,
and where each time its comments mention links to (forum.references). The key is those facts
themselves rather than a digest of them, so two conversations that differ can never share one.

Pages of other readers (their own comments, a moderator's buttons) are rendered whole, as before.
"""

import threading
from collections import OrderedDict
from itertools import groupby

from django.core.signals import setting_changed
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from forum.models import Comment
from forum.references import linked_times
from forum.rendering import Surroundings, Viewer, render_thread

# Comments' HTML kept per process, in whole conversations: about 1.8 kB a comment with its key
# (which holds the text), so some 18 MB at most; the first page of a 10,000-comment thread
# holds 1,350.
LIMIT = 10_000

Articles = tuple[tuple[int, SafeString], ...]

_kept: OrderedDict[tuple, Articles] = OrderedDict()
_lock = threading.Lock()
_size = 0  # comments in _kept


def render_page(page: list[Comment], viewer: Viewer, whole_thread: list[Comment]) -> Articles:
    """render_thread(page, viewer, whole_thread=whole_thread), from kept conversations where
    the viewer's page is the one everyone shares."""
    if not viewer.is_anonymous_reader:
        return render_thread(page, viewer, whole_thread=whole_thread)
    around = Surroundings.of(page, whole_thread)
    shared = (viewer.comments_open, get_language())
    articles: list[tuple[int, SafeString]] = []
    for _, group in groupby(page, key=lambda comment: comment.tree_id):
        conversation = list(group)
        key = (shared, *(_facts(comment, around) for comment in conversation))
        found = _get(key)
        if found is None:
            found = render_thread(conversation, viewer, surroundings=around)
            _put(key, found)
        articles.extend(found)
    return tuple(articles)


def _facts(comment: Comment, around: Surroundings) -> tuple:
    """Everything of a comment that its HTML on the shared page is made from."""
    links = tuple(
        (clock, target, target in around.on_page)
        for clock, target in linked_times(comment.body_html, around.times, comment)
    )
    return (
        comment.pk,
        comment.post_id,
        comment.parent_id,
        comment.level,
        comment.status,
        comment.removed_by,
        comment.author_name,
        comment.commenter,
        comment.import_key,
        comment.created,
        comment.body_html,
        links,
    )


def _get(key: tuple) -> Articles | None:
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
        return found


def _put(key: tuple, articles: Articles) -> None:
    global _size
    with _lock:
        if key in _kept:
            return
        _kept[key] = articles
        _size += len(articles)
        while _size > LIMIT and len(_kept) > 1:
            _, dropped = _kept.popitem(last=False)
            _size -= len(dropped)


def forget(**kwargs) -> None:
    """Empty this process's kept conversations: for the benchmark's cold renders, and when a
    setting changes (in tests), since the secret key, the addresses and the words all go into
    the HTML without being part of the key."""
    global _size
    with _lock:
        _kept.clear()
        _size = 0


def connect_signals() -> None:
    setting_changed.connect(forget, dispatch_uid="conversations-setting-changed")
