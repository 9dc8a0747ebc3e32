"""A post's thread as one page of HTML: read, split into pages of conversations, rendered,
and cached for the readers who all see the same thing."""

from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.utils.safestring import SafeString

from blogarchive.models import Post
from forum import caching, selectors
from forum.models import Comment
from forum.rendering import Viewer, render_thread


@dataclass(frozen=True)
class ThreadPage:
    html: SafeString
    published_count: int
    number: int
    num_pages: int

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1


def split_into_pages(comments: list[Comment], per_page: int) -> list[list[Comment]]:
    """Pages of `per_page` conversations (a top-level comment with all its replies)."""
    conversations = [list(group) for _, group in groupby(comments, key=lambda c: c.tree_id)]
    pages = [
        [c for conversation in conversations[i : i + per_page] for c in conversation]
        for i in range(0, len(conversations), per_page)
    ]
    return pages or [[]]


def thread_page(post: Post, number: int, viewer: Viewer) -> ThreadPage:
    """One page of the thread as this viewer sees it; shared by every anonymous reader."""
    cacheable = viewer.is_anonymous_reader
    if cacheable:
        cached = caching.get_thread(post, number, comments_open=viewer.comments_open)
        if cached is not None:
            return cached
    comments = selectors.visible_thread(post, own_ids=viewer.own_ids, moderator=viewer.moderator)
    pages = split_into_pages(comments, settings.FORUM_COMMENTS_PER_PAGE)
    number = min(max(number, 1), len(pages))
    page = ThreadPage(
        html=render_thread(pages[number - 1], viewer, whole_thread=comments),
        published_count=sum(c.status == Comment.Status.APPROVED for c in comments),
        number=number,
        num_pages=len(pages),
    )
    if cacheable:
        caching.set_thread(post, number, page, comments_open=viewer.comments_open)
    return page


def page_of(post: Post, comment_id: int, viewer: Viewer) -> int | None:
    """Which page of the thread shows a comment (None if this viewer cannot see it)."""
    comments = selectors.visible_thread(post, own_ids=viewer.own_ids, moderator=viewer.moderator)
    pages = split_into_pages(comments, settings.FORUM_COMMENTS_PER_PAGE)
    for number, page in enumerate(pages, start=1):
        if any(c.pk == comment_id for c in page):
            return number
    return None
