"""E-mail the moderators about held comments, batched: a flood sends one digest per interval.

`notify_held()` runs after a held comment is committed, and from the `send_moderation_digest`
command, so that the tail of a flood does not wait for the next comment to be sent.
"""

import logging
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from forum.models import Comment
from moderation.email_links import PERMISSION, absolute, make_link, max_age
from moderation.models import Decision, DigestState

logger = logging.getLogger(__name__)

INTERVAL = timedelta(minutes=10)


def recipients() -> QuerySet:
    """The moderators who get the digest: active staff with the permission and an address."""
    # Several authentication backends are configured (axes first); permissions live in the
    # ModelBackend's tables, so ask it by name.
    return (
        get_user_model()
        .objects.with_perm(PERMISSION, backend="django.contrib.auth.backends.ModelBackend")
        .filter(is_staff=True)
        .exclude(email="")
        .order_by("pk")
    )


def waiting(since: datetime | None, now: datetime) -> QuerySet:
    """The pending comments a digest sent at `now` lists: those held or hidden since the last one.

    A comment readers' reports hid was created long before: it counts from when it was hidden.
    """
    held = Q(created__lte=now) | Q(created__isnull=True)
    hides = Decision.objects.filter(
        comment=OuterRef("pk"), action=Decision.Action.HIDE, decided_at__lte=now
    )
    if since is not None:
        held &= Q(created__gt=since)
        hides = hides.filter(decided_at__gt=since)
    comments = Comment.objects.pending().filter(held | Exists(hides))
    # Hidden ones first, as in the queue: they were public a moment ago.
    order = ["-hidden_by_readers", "created", "pk"]
    return comments.select_related("post", "parent").order_by(*order)


def is_due(state: DigestState, now: datetime) -> bool:
    """Whether the last digest is old enough (or missing) for another one to go now."""
    return state.last_sent is None or now - state.last_sent >= INTERVAL


def notify_held(now: datetime | None = None) -> int:
    """Send a digest of newly held comments to each moderator if one is due; return how many."""
    now = now or timezone.now()
    state, _created = DigestState.objects.get_or_create(pk=1)
    if not is_due(state, now):
        return 0
    previous = state.last_sent
    moderators = list(recipients())
    if not moderators:
        return 0
    # Read before the claim: the window (previous, now] is fixed, so a process that claims it
    # lists the same comments, and one that loses the claim has only read them.
    comments = list(waiting(previous, now))
    if not comments or not _claim(previous, now):
        return 0
    try:
        messages = [_digest(moderator, comments) for moderator in moderators]
        return get_connection().send_messages(messages) or 0
    except Exception as error:
        # Nothing (or not all) went out: give the claim back so the next call sends these again.
        _give_back(previous, now)
        if not isinstance(error, OSError):
            raise
        # Posting a comment must not fail because the mail server did.
        logger.exception("Could not send the moderation digest")
        return 0


def _claim(previous: datetime | None, now: datetime) -> bool:
    """Move last_sent from what we read to `now`; only one of several racing processes can."""
    # A compare-and-set: the UPDATE matches only if nobody moved last_sent since we read it, so
    # of two processes that both found a digest due, exactly one updates a row and sends.
    unchanged = Q(last_sent__isnull=True) if previous is None else Q(last_sent=previous)
    return DigestState.objects.filter(unchanged, pk=1).update(last_sent=now) == 1


def _give_back(previous: datetime | None, now: datetime) -> None:
    """Undo a claim that sent nothing, unless a later digest has claimed since."""
    DigestState.objects.filter(pk=1, last_sent=now).update(last_sent=previous)


def _digest(moderator, comments: list[Comment]) -> EmailMessage:
    """One moderator's digest: the queue, and each comment with its own Approve / Reject links."""
    subject = ngettext(
        "%(count)d comment waiting for moderation",
        "%(count)d comments waiting for moderation",
        len(comments),
    ) % {"count": len(comments)}
    now = timezone.now()
    # The digest shows each comment in full under the one it answers (read with it: waiting()).
    items = [
        {
            "comment": comment,
            "parent": comment.parent,
            "approve_url": make_link(comment, Decision.Action.APPROVE, moderator),
            "reject_url": make_link(comment, Decision.Action.REJECT, moderator),
        }
        for comment in comments
    ]
    body = render_to_string(
        "moderation/digest_email.txt",
        {
            "moderator": moderator,
            "items": items,
            "queue_url": absolute(reverse("admin:moderation_pendingcomment_changelist")),
            "expires_after": timesince(now, now + max_age()),
        },
    )
    return EmailMessage(subject, body, to=[moderator.email])
