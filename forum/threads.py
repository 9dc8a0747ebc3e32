"""A post's thread as pages of HTML: read, split into pages of conversations, rendered."""

from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from blogarchive.models import Post
from forum import conversations, selectors
from forum.models import Comment
from forum.rendering import CLOSE_COMMENT, Viewer


@dataclass(frozen=True)
class ThreadPage:
    articles: tuple[tuple[int, SafeString], ...]  # (comment id, its <article> left open)
    published_count: int
    number: int
    num_pages: int
    # The newest published comment of the whole thread: where "Newest" goes, and what a first
    # visit on any page counts as already seen.
    newest_id: int | None = None
    # How many comments this page shows in full: the reader's own held ones count here too.
    shown_count: int = 0
    comment_ids: frozenset[int] = frozenset()

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def heading(self) -> str:
        """ "63 comments"; or, when only the reader's own held comments show, not "none"."""
        if self.published_count:
            return ngettext("%(n)d comment", "%(n)d comments", self.published_count) % {
                "n": self.published_count
            }
        if self.shown_count:
            return gettext("No published comments yet")
        return gettext("No comments yet")

    @property
    def page_numbers(self) -> range:
        return range(1, self.num_pages + 1)

    def cut_inside(self, comment_id: int | None) -> tuple[SafeString, SafeString]:
        """The page's HTML cut at the end of one comment's own content, where a form in it goes:
        what comes before the cut and what after. The whole page and nothing, without one."""
        at = next((i for i, (pk, _) in enumerate(self.articles) if pk == comment_id), None)
        if at is None:
            return mark_safe(_closed(self.articles)), mark_safe("")
        before = _closed(self.articles[:at]) + self.articles[at][1]
        return mark_safe(before), mark_safe(CLOSE_COMMENT + _closed(self.articles[at + 1 :]))


def _closed(articles: tuple[tuple[int, SafeString], ...]) -> str:
    """The articles one after the other, each closed."""
    return "".join(f"{article}{CLOSE_COMMENT}" for _, article in articles)


class PageOutOfRange(Exception):
    """A page number past the thread's last page: said so, not quietly shown another page."""

    def __init__(self, num_pages: int):
        super().__init__(num_pages)
        self.num_pages = num_pages


def split_into_pages(comments: list[Comment], per_page: int) -> list[list[Comment]]:
    """Pages of `per_page` conversations (a top-level comment with all its replies)."""
    conversations = [list(group) for _, group in groupby(comments, key=lambda c: c.tree_id)]
    pages = [
        [c for conversation in conversations[i : i + per_page] for c in conversation]
        for i in range(0, len(conversations), per_page)
    ]
    return pages or [[]]


def thread_page(post: Post, number: int, viewer: Viewer) -> ThreadPage:
    """One page of the thread as this viewer sees it."""
    comments = selectors.visible_thread(post, own_ids=viewer.own_ids, moderator=viewer.moderator)
    pages = split_into_pages(comments, settings.FORUM_COMMENTS_PER_PAGE)
    if number > len(pages):
        raise PageOutOfRange(len(pages))
    number = max(number, 1)
    published = [c.pk for c in comments if c.status == Comment.Status.PUBLISHED]
    shown = pages[number - 1]
    return ThreadPage(
        articles=conversations.render_page(shown, viewer, comments),
        published_count=len(published),
        number=number,
        num_pages=len(pages),
        newest_id=max(published, default=None),
        shown_count=sum(_in_full(c, viewer) for c in shown),
        comment_ids=frozenset(c.pk for c in shown),
    )


def _in_full(comment: Comment, viewer: Viewer) -> bool:
    return comment.status == Comment.Status.PUBLISHED or comment.pk in viewer.own_ids


def page_of(post: Post, comment_id: int, viewer: Viewer) -> int | None:
    """Which page of the thread shows a comment (None if this viewer cannot see it)."""
    comments = selectors.visible_thread(post, own_ids=viewer.own_ids, moderator=viewer.moderator)
    pages = split_into_pages(comments, settings.FORUM_COMMENTS_PER_PAGE)
    for number, page in enumerate(pages, start=1):
        if any(c.pk == comment_id for c in page):
            return number
    return None
