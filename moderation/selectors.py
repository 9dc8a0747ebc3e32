"""Reads for the moderators: what waits, and in what state every comment is."""

from django.db.models import Count, Exists, OuterRef, Q

from forum.models import Comment
from moderation.models import Report

Status = Comment.Status


def open_reports() -> Exists:
    """Whether a comment has reports that no moderator has dealt with yet."""
    return Exists(Report.objects.filter(comment=OuterRef("pk"), resolved=False))


def state_counts() -> dict[str, int]:
    """How many comments are in each state, and how many waiting were reported: one query."""
    counts = {status: Count("pk", filter=Q(status=status)) for status in Status.values}
    counts["reported"] = Count("pk", filter=Q(open_reports(), status=Status.PENDING))
    return Comment.objects.aggregate(**counts)
