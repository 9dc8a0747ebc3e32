"""Reads of the forum's data, each a fixed number of queries whatever the data's size."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from blogarchive.models import Post
from forum.models import AsShown, Comment


@dataclass(slots=True)
class ThreadComment(AsShown):
    """A comment as a thread page shows it, read as plain values: a model instance for each of
    a thousand comments costs twice as much as the rest of reading them."""

    pk: int
    post_id: int
    parent_id: int | None
    tree_id: int
    level: int
    status: str
    removed_by: str
    author_name: str
    commenter: str
    import_key: str
    created: datetime | None
    body_html: str
    hold_reason: str
    public_reason: str

    Status = Comment.Status
    RemovedBy = Comment.RemovedBy


# The columns of ThreadComment, in its order.
_THREAD_COLUMNS = ("pk", *(name for name in ThreadComment.__dataclass_fields__ if name != "pk"))


def visible_thread(
    post: Post, *, own_ids: Collection[int] = (), moderator: bool = False
) -> list[ThreadComment]:
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
    columns = rows.in_thread_order().values_list(*_THREAD_COLUMNS)
    rows = [ThreadComment(*values) for values in columns]
    always = (
        {Comment.Status.PUBLISHED, Comment.Status.PENDING}
        if moderator
        else {Comment.Status.PUBLISHED}
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
    """The posts published just before and just after this one, in one indexed query."""
    table = Post._meta.db_table
    # Each half is an index walk on published that stops at its first row; UNION ALL of two
    # ordered, limited subqueries, which the ORM cannot write on SQLite.
    half = (
        "SELECT * FROM (SELECT id, title, slug, published, {side} AS side FROM {table}"
        " WHERE published {cmp} %s OR (published = %s AND id {cmp} %s)"
        " ORDER BY published {order}, id {order} LIMIT 1) AS {alias}"
    )
    sql = " UNION ALL ".join(
        half.format(side=side, table=table, cmp=cmp, order=order, alias=f"n{side}")
        for side, cmp, order in ((0, "<", "DESC"), (1, ">", "ASC"))
    )
    params = [post.published, post.published, post.pk] * 2
    found = {row.side: row for row in Post.objects.raw(sql, params)}
    return found.get(0), found.get(1)
