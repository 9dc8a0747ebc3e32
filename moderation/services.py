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
from django.utils import timezone

from forum import markup, pages
from forum.models import Comment
from forum.transitions import MOVES, Actor, change, move_between
from moderation.models import BlockedCommenter, Decision, Report

Status = Comment.Status
Action = Decision.Action

# The move in forum.transitions that each of a moderator's decisions makes.
MOVE_OF = {
    Action.APPROVE: "approve",
    Action.REJECT: "reject",
    Action.SPAM: "spam",
    Action.KEEP: "keep",
}


def _allowed(*actions: str, pending_only: bool) -> dict[str, tuple[frozenset[str], str]]:
    """What each action may start from on one screen, and where it leaves a comment."""
    allowed = {}
    for action in actions:
        move = MOVES[MOVE_OF[action]]
        sources = frozenset({Status.PENDING}) if pending_only else move.sources
        allowed[action] = (sources, move.target)
    return allowed


# The queue, the e-mail links and the post page decide only what waits; from the full comment
# list a moderator may also take down what is already published.
TRANSITIONS = _allowed(Action.APPROVE, Action.REJECT, Action.SPAM, pending_only=True)
TAKE_DOWN = _allowed(Action.APPROVE, Action.REJECT, Action.SPAM, pending_only=False)


@dataclass(frozen=True)
class _Plan:
    """One decision to make on each of several comments."""

    action: str
    from_states: frozenset[str]
    updates: dict
    moderator: object
    reason: str
    link_token: str = ""


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
    updates = {"public_reason": public_reason[:200], "hidden_by_readers": False}
    if to_status in (Status.REJECTED, Status.SPAM):
        updates["removed_by"] = Comment.RemovedBy.MODERATOR
    plan = _Plan(action, from_states, updates, moderator, reason[:200], link_token)
    outcome = Outcome()
    for comment_id in comment_ids:
        _decide_one(comment_id, plan, outcome)
    return outcome


def keep(comment_ids: Iterable[int], *, moderator, reason: str = "") -> Outcome:
    """Dismiss readers' reports and keep each comment up; reports never hide it again."""
    sources = MOVES[MOVE_OF[Action.KEEP]].sources
    plan = _Plan(Action.KEEP, sources, {"hidden_by_readers": False}, moderator, reason[:200])
    outcome = Outcome()
    for comment_id in comment_ids:
        _decide_one(comment_id, plan, outcome)
    return outcome


def _decide_one(comment_id: int, plan: _Plan, outcome: Outcome) -> None:
    """One comment's decision, its audit row and its reports dealt with, in one transaction."""
    name = MOVE_OF[plan.action]
    with transaction.atomic():
        made = change(
            comment_id, name, actor=Actor.MODERATOR, sources=plan.from_states, **plan.updates
        )
        if not made.made:
            if made.before is not None:
                outcome.already[comment_id] = made.before
            return
        Decision.objects.create(
            comment_id=comment_id,
            action=plan.action,
            from_status=made.before,
            to_status=MOVES[name].target,
            moderator=plan.moderator,
            reason=plan.reason,
            link_token=plan.link_token,
        )
        Report.objects.filter(comment_id=comment_id, resolved=False).update(resolved=True)
        pages.thread_changed(made.post_id)
        outcome.decided.append(comment_id)


def undo(decision: Decision, *, moderator=None) -> bool:
    """Put a comment back as it was before a decision, if nothing has changed it since."""
    name = move_between(decision.to_status, decision.from_status, Actor.MODERATOR)
    if name is None:
        return False
    with transaction.atomic():
        made = change(
            decision.comment_id,
            name,
            actor=Actor.MODERATOR,
            sources={decision.to_status},
            public_reason="",
            removed_by=Comment.RemovedBy.NOBODY,
        )
        if made.made:
            pages.thread_changed(made.post_id)
            Decision.objects.create(
                comment_id=decision.comment_id,
                action=Action.UNDO,
                from_status=decision.to_status,
                to_status=decision.from_status,
                moderator=moderator,
                reason=f"undo of: {decision.get_action_display()}",
            )
    return made.made


def correct_text(comment: Comment, body: str, *, moderator, reason: str = "") -> None:
    """Replace a comment's text, keeping the old text in the audit trail."""
    with transaction.atomic():
        old = comment.body
        comment.body = markup.normalise(body)
        comment.body_html = markup.render(comment.body)
        made = change(
            comment.pk,
            "correct",
            actor=Actor.MODERATOR,
            body=comment.body,
            body_html=comment.body_html,
            updated=timezone.now(),
        )
        if not made.made:
            return
        pages.thread_changed(comment.post_id)
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


def delete_by_author(comment: Comment) -> bool:
    """Blogger's Delete: the author takes down a pending or published comment of theirs.

    What a moderator rejected or took down stays as the moderator left it, placeholder and all.
    """
    with transaction.atomic():
        made = change(
            comment.pk,
            "delete_own",
            actor=Actor.AUTHOR,
            removed_by=Comment.RemovedBy.AUTHOR,
            hidden_by_readers=False,
        )
        if made.made:
            pages.thread_changed(made.post_id)
            Decision.objects.create(
                comment=comment,
                action=Action.AUTHOR_DELETE,
                from_status=made.before,
                to_status=Status.REMOVED,
            )
    return made.made
