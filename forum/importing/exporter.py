"""The whole archive as plain data, for `export_blog`: a backup, and a check of the import."""

from collections.abc import Iterator

from django.utils.timezone import localtime

from blogarchive.models import Post
from forum.models import Comment


def _comment_data(comment: Comment) -> dict:
    return {
        "author": comment.author_name or None,
        "created": localtime(comment.created).isoformat() if comment.created else None,
        "status": comment.status,
        "body": comment.body,
        "replies": [],
    }


def export_posts() -> Iterator[dict]:
    """Each post, oldest first, with its comments nested in thread order (two queries a post)."""
    for post in Post.objects.order_by("published", "id").iterator(chunk_size=200):
        nodes: dict[int, dict] = {}
        roots: list[dict] = []
        for comment in post.comments.in_thread_order().iterator(chunk_size=2000):
            data = _comment_data(comment)
            nodes[comment.pk] = data
            siblings = nodes[comment.parent_id]["replies"] if comment.parent_id else roots
            siblings.append(data)
        yield {
            "published": post.published.isoformat(),
            "title": post.title,
            "url": post.get_absolute_url(),
            "paragraphs": list(post.paragraphs),
            "comments": roots,
        }
