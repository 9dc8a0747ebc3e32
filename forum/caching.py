"""The cached HTML of each thread, and what makes it stale.

Every service that changes what readers see of a thread calls `thread_changed()` inside its
transaction. It bumps the post's thread_version, which is part of the cache key, so a stale
fragment is never read again (it simply expires) and no reader can put back an old one.

The fragments live in each process's own bounded cache (settings.CACHES): their key is read
from the database with the post, so they need nothing shared, and a Redis outage leaves them.
"""

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from blogarchive.models import Post
from forum import pagecache

TIMEOUT = 60 * 60 * 24


def thread_changed(post_id: int) -> None:
    """Mark a post's thread as changed: its cached HTML, page and ETag are no longer valid."""
    Post.objects.filter(pk=post_id).update(
        thread_version=F("thread_version") + 1, thread_changed=timezone.now()
    )
    published, slug = Post.objects.values_list("published", "slug").get(pk=post_id)
    pagecache.post_changed(pagecache.place(published.year, published.month, slug))


def thread_key(post: Post, page: int, *, comments_open: bool = True) -> str:
    # Closing a post (by hand, or by age at midnight) changes no thread_version, yet takes
    # every Reply link off the page: the open and the closed thread are kept apart.
    state = "open" if comments_open else "closed"
    return f"thread:{pagecache.build_stamp()}:{post.pk}:{post.thread_version}:{page}:{state}"


def get_thread(post: Post, page: int, *, comments_open: bool = True):
    return cache.get(thread_key(post, page, comments_open=comments_open))


def set_thread(post: Post, page: int, html, *, comments_open: bool = True) -> None:
    cache.set(thread_key(post, page, comments_open=comments_open), html, TIMEOUT)
