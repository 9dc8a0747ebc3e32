"""Reads for the moderators: what waits, and in what state every comment is."""

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef

from forum.models import Comment
from moderation.models import Report


def open_reports() -> Exists:
    """Whether a comment has reports that no moderator has dealt with yet."""
    return Exists(Report.objects.filter(comment=OuterRef("pk"), resolved=False))


def state_counts(*, pending: int | None = None) -> dict[str, int]:
    """How many comments are in each state, and how many waiting were reported.

    Two queries, each answered from an index: comments grouped by status, and the few open
    reports joined to their comments. Given how many wait (the queue's page has just counted
    them), the first reads only the other states' entries, not the 100,000 waiting ones.
    """
    counts = dict.fromkeys(Comment.Status.values, 0)
    comments = Comment.objects.order_by()
    if pending is not None:
        counts[Comment.Status.PENDING] = pending
        comments = comments.filter(status__in=set(Comment.Status.values) - {Comment.Status.PENDING})
    # COUNT(*), not COUNT(id): PostgreSQL then answers from the index alone, without the rows.
    counts.update(dict(comments.values_list("status").annotate(n=Count("*"))))
    reported = Report.objects.filter(resolved=False, comment__status=Comment.Status.PENDING)
    counts["reported"] = reported.values("comment").distinct().count()
    return counts


def browsers_per_address(commenters: Iterable[str]) -> dict[str, int]:
    """For each commenter (address hash), how many different browsers posted from it."""
    rows = (
        Comment.objects.filter(commenter__in=[c for c in set(commenters) if c])
        .exclude(browser="")
        .values("commenter")
        .annotate(n=Count("browser", distinct=True))
        .order_by()
    )
    return {row["commenter"]: row["n"] for row in rows}
