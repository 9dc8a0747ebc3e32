"""Every change of a comment's state, each with its audit row; admin, e-mail links and the
post page's buttons all call these.

A decision is a conditional update: it changes a comment only if the comment is still in a
state the moderator saw (normally pending). Two moderators acting on the same comment at once
therefore decide it once; the second is told who was first.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count

from forum import caching, markup
from forum.models import Comment
from moderation.models import BlockedCommenter, Decision, Report

Status = Comment.Status
Action = Decision.Action

# What each action does: the states it may start from, and where it leaves the comment.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.APPROVE: (frozenset({Status.PENDING}), Status.APPROVED),
    Action.REJECT: (frozenset({Status.PENDING}), Status.REJECTED),
    Action.SPAM: (frozenset({Status.PENDING}), Status.SPAM),
}
# From the full comment list a moderator may also take down what is already published.
TAKE_DOWN: dict[str, tuple[frozenset[str], str]] = {
    **TRANSITIONS,
    Action.REJECT: (frozenset({Status.PENDING, Status.APPROVED}), Status.REJECTED),
    Action.SPAM: (frozenset({Status.PENDING, Status.APPROVED}), Status.SPAM),
}


@dataclass
class Outcome:
    decided: list[int] = field(default_factory=list)
    # Comments someone else decided first: id -> their current status.
    already: dict[int, str] = field(default_factory=dict)


def decide(
    comment_ids: Iterable[int],
    action: str,
    *,
    moderator=None,
    reason: str = "",
    public_reason: str = "",
    allowed=TRANSITIONS,
    link_token: str = "",
) -> Outcome:
    """Apply approve / reject / spam to each comment still in a state the action starts from."""
    from_states, to_status = allowed[action]
    outcome = Outcome()
    for comment_id in comment_ids:
        with transaction.atomic():
            seen, post_id = Comment.objects.filter(pk=comment_id).values_list(
                "status", "post_id"
            ).first() or (None, None)
            updates = {"status": to_status, "public_reason": public_reason[:200]}
            if to_status in (Status.REJECTED, Status.SPAM):
                updates["removed_by"] = Comment.RemovedBy.MODERATOR
            # The conditional update: only if nobody changed the comment since we read it.
            changed = seen in from_states and Comment.objects.filter(
                pk=comment_id, status=seen
            ).update(**updates)
            if not changed:
                if seen is not None:
                    outcome.already[comment_id] = seen
                continue
            Decision.objects.create(
                comment_id=comment_id,
                action=action,
                from_status=seen,
                to_status=to_status,
                moderator=moderator,
                reason=reason[:200],
                link_token=link_token,
            )
            Report.objects.filter(comment_id=comment_id, resolved=False).update(resolved=True)
            caching.thread_changed(post_id)
            outcome.decided.append(comment_id)
    return outcome


def undo(decision: Decision, *, moderator=None) -> bool:
    """Put a comment back as it was before a decision, if nothing has changed it since."""
    with transaction.atomic():
        changed = Comment.objects.filter(pk=decision.comment_id, status=decision.to_status).update(
            status=decision.from_status,
            public_reason="",
            removed_by=Comment.RemovedBy.NOBODY,
        )
        if changed:
            caching.thread_changed(decision.comment.post_id)
            Decision.objects.create(
                comment_id=decision.comment_id,
                action=Action.UNDO,
                from_status=decision.to_status,
                to_status=decision.from_status,
                moderator=moderator,
                reason=f"undo of: {decision.get_action_display()}",
            )
    return bool(changed)


def correct_text(comment: Comment, body: str, *, moderator, reason: str = "") -> None:
    """Replace a comment's text, keeping the old text in the audit trail."""
    with transaction.atomic():
        old = comment.body
        comment.body = markup.normalise(body)
        comment.body_html = markup.render(comment.body)
        comment.save(update_fields=["body", "body_html", "updated"])
        caching.thread_changed(comment.post_id)
        Decision.objects.create(
            comment=comment,
            action=Action.EDIT,
            from_status=comment.status,
            to_status=comment.status,
            moderator=moderator,
            reason=reason[:200],
            old_body=old,
        )


def block(commenter: str, *, moderator, reason: str = "") -> bool:
    """Block a commenter: everything they post from now on is held as spam."""
    if not commenter:
        return False
    _, created = BlockedCommenter.objects.get_or_create(
        commenter=commenter, defaults={"blocked_by": moderator, "reason": reason[:200]}
    )
    return created


def reject_everything_pending_from(
    commenter: str, *, moderator, reason: str = "", public_reason: str = ""
) -> Outcome:
    """Reject every comment of one commenter that is still waiting."""
    ids = list(Comment.objects.pending().filter(commenter=commenter).values_list("pk", flat=True))
    return decide(
        ids, Action.REJECT, moderator=moderator, reason=reason, public_reason=public_reason
    )


def commenter_record(commenters: Iterable[str]) -> dict[str, dict[str, int]]:
    """For each commenter, how many of their comments are in each state (one query)."""
    rows = (
        Comment.objects.filter(commenter__in=[c for c in set(commenters) if c])
        .values("commenter", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    record: dict[str, dict[str, int]] = {}
    for row in rows:
        record.setdefault(row["commenter"], {})[row["status"]] = row["n"]
    return record


def report(comment: Comment, *, reporter: str, reason: str, threshold: int) -> bool:
    """Record a reader's report; past the threshold the comment is hidden and queued again.

    Returns True when this report hid the comment.
    """
    with transaction.atomic():
        _, created = Report.objects.get_or_create(
            comment=comment, reporter=reporter, defaults={"reason": reason[:200]}
        )
        if not created:
            return False
        reporters = Report.objects.filter(comment=comment, resolved=False).count()
        if reporters < threshold:
            return False
        hidden = Comment.objects.filter(pk=comment.pk, status=Status.APPROVED).update(
            status=Status.PENDING, hold_reason=f"reported by {reporters} readers"
        )
        if hidden:
            caching.thread_changed(comment.post_id)
            Decision.objects.create(
                comment=comment,
                action=Action.HIDE,
                from_status=Status.APPROVED,
                to_status=Status.PENDING,
                reason=f"reported by {reporters} readers",
            )
        return bool(hidden)


def delete_by_author(comment: Comment) -> bool:
    """Blogger's Delete: the author takes their comment down (a placeholder if it has replies)."""
    with transaction.atomic():
        changed = (
            Comment.objects.filter(pk=comment.pk)
            .exclude(status=Status.REMOVED)
            .update(status=Status.REMOVED, removed_by=Comment.RemovedBy.AUTHOR)
        )
        if changed:
            caching.thread_changed(comment.post_id)
            Decision.objects.create(
                comment=comment,
                action=Action.AUTHOR_DELETE,
                from_status=comment.status,
                to_status=Status.REMOVED,
            )
    return bool(changed)
