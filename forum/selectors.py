"""Reads of the forum's data, each a fixed number of queries whatever the data's size."""

from collections.abc import Collection
from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from blogarchive.models import Post
from forum.models import Comment


def visible_thread(
    post: Post, *, own_ids: Collection[int] = (), moderator: bool = False
) -> list[Comment]:
    """The comments a reader sees on a post, in thread order, in one query.

    Published comments; the reader's own comments whatever became of them; for a moderator,
    the held ones too; and any other comment that still has a visible reply (shown as a
    placeholder, so that the conversation keeps its shape).
    """
    rows = Comment.objects.filter(post=post)
    if not moderator:
        shown = ~Q(status=Comment.Status.PENDING)
        if own_ids:
            shown |= Q(pk__in=list(own_ids))
        rows = rows.filter(shown)
    rows = list(rows.defer("body", "updated").in_thread_order())
    always = (
        {Comment.Status.APPROVED, Comment.Status.PENDING}
        if moderator
        else {Comment.Status.APPROVED}
    )
    own = set(own_ids)
    keep: set[int] = set()
    # Walking the tree backwards visits every reply before the comment it answers.
    for comment in reversed(rows):
        if comment.status in always or comment.pk in own or comment.pk in keep:
            keep.add(comment.pk)
            if comment.parent_id:
                keep.add(comment.parent_id)
    return [comment for comment in rows if comment.pk in keep]


def published_count_subquery():
    """A correlated count of each post's published comments, for annotating posts."""
    counts = (
        Comment.objects.published()
        .filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def posts_with_counts():
    return Post.objects.newest_first().annotate(comment_count=published_count_subquery())


def archive_months() -> list[dict]:
    """Blogger's archive widget: each year and month with its number of posts, newest first."""
    rows = (
        Post.objects.annotate(year=ExtractYear("published"), month=ExtractMonth("published"))
        .values("year", "month")
        .annotate(posts=Count("pk"))
        .order_by("-year", "-month")
    )
    return [{**row, "first_day": date(row["year"], row["month"], 1)} for row in rows]


def neighbours(post: Post) -> tuple[Post | None, Post | None]:
    """The posts published just before and just after this one (two small indexed queries)."""
    fields = ("title", "slug", "published")
    earlier = Q(published__lt=post.published) | Q(published=post.published, pk__lt=post.pk)
    later = Q(published__gt=post.published) | Q(published=post.published, pk__gt=post.pk)
    older = Post.objects.filter(earlier).order_by("-published", "-pk").only(*fields).first()
    newer = Post.objects.filter(later).order_by("published", "pk").only(*fields).first()
    return older, newer
