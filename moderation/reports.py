"""Readers' reports: they flag a comment for a moderator, and hide it only within a budget.

Left unchecked, three addresses reporting every comment on a post hid all of them in under a
second. So:
- one reader (a keyed hash of their address) may report READER_LIMIT comments an hour, and
  one network (its /24 or /64) NETWORK_LIMIT, counted from the reports themselves: exact, and
  never evicted the way a cache entry can be;
- a comment is hidden only once readers on `report_threshold` different networks report it;
- on one post, reports hide at most `report_hides_per_hour` comments an hour; past that they
  only flag;
- a comment a moderator kept up is never hidden by reports again.
Every hidden comment heads the queue and goes into the next digest at once.
"""

import enum
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from forum import pages
from forum.models import Comment
from forum.transitions import Actor, change
from moderation import notifications
from moderation.models import Decision, ModerationPolicy, Report

READER_LIMIT = 10
NETWORK_LIMIT = 30
HOUR = timedelta(hours=1)
# The first key of this module's advisory locks; forum.services uses 0x0F0A.
_LOCK_NAMESPACE = 0x0F0B


class Result(enum.StrEnum):
    LIMITED = "limited"
    REPEATED = "repeated"
    FLAGGED = "flagged"
    HIDDEN = "hidden"


def report(
    comment: Comment, *, reporter: str, network: str, reason: str, policy: ModerationPolicy
) -> Result:
    """Record a reader's report, and hide the comment if enough networks and the budget allow.

    Locks (PostgreSQL): the reporter's network while counting its reports, then the post while
    counting what reports hid on it; SQLite's IMMEDIATE transactions queue every writer anyway.
    """
    with transaction.atomic():
        _lock(f"network:{network}")
        if Report.objects.filter(comment=comment, reporter=reporter).exists():
            return Result.REPEATED
        if _over_limit(reporter, network):
            return Result.LIMITED
        Report.objects.create(
            comment=comment, reporter=reporter, network=network, reason=reason[:200]
        )
        networks = _networks_reporting(comment)
        if networks < policy.report_threshold or _kept(comment):
            return Result.FLAGGED
        _lock(f"post:{comment.post_id}")
        if _hidden_lately(comment.post_id) >= policy.report_hides_per_hour:
            return Result.FLAGGED
        return _hide(comment, networks)


def _lock(name: str) -> None:
    """Hold a named lock until commit, so that a count and the row it admits are one step."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_NAMESPACE, name]
            )


def _over_limit(reporter: str, network: str) -> bool:
    recent = Report.objects.filter(reported_at__gte=timezone.now() - HOUR)
    if recent.filter(reporter=reporter).count() >= READER_LIMIT:
        return True
    return recent.filter(network=network).count() >= NETWORK_LIMIT


def _networks_reporting(comment: Comment) -> int:
    open_reports = Report.objects.filter(comment=comment, resolved=False)
    return open_reports.values("network").distinct().count()


def _kept(comment: Comment) -> bool:
    return Decision.objects.filter(comment=comment, action=Decision.Action.KEEP).exists()


def _hidden_lately(post_id: int) -> int:
    """How many comments on a post readers' reports hid within the last hour."""
    return Decision.objects.filter(
        action=Decision.Action.HIDE,
        comment__post_id=post_id,
        decided_at__gte=timezone.now() - HOUR,
    ).count()


def _hide(comment: Comment, networks: int) -> Result:
    reason = f"reported by {networks} readers"
    made = change(
        comment.pk, "hide", actor=Actor.READERS, hidden_by_readers=True, hold_reason=reason
    )
    if not made.made:
        return Result.FLAGGED
    pages.thread_changed(comment.post_id)
    Decision.objects.create(
        comment=comment,
        action=Decision.Action.HIDE,
        from_status=made.before,
        to_status=Comment.Status.PENDING,
        reason=reason,
    )
    transaction.on_commit(notifications.notify_held)
    return Result.HIDDEN
