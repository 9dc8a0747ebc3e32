"""Signed one-click Approve / Reject links for the digest, and the page that carries them out.

A link names a comment, an action and the moderator it was sent to, signed with the secret key:
the signature is the authority, so it works without signing in. Opening it (GET) only shows what
it would do, since mail scanners open links too; the page's POST acts, as that moderator, through
services.decide(). A link expires, and works once: its decision stores a hash of the link.

The signed token travels in the query string, never the path: access logs (gunicorn.conf.py,
deploy/nginx.conf) and Django's own log lines record paths only, and the pages it opens send
no Referer, so no log line carries a link that still works.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from forum.models import Comment
from moderation import services
from moderation.models import Decision
from moderation.wording import DONE

PERMISSION = "moderation.moderate"
TOKEN = "t"
SALT = "moderation.email_links"
REASON = "one-click e-mail link"
Action = Decision.Action

QUESTIONS = {Action.APPROVE: _("Approve this comment?"), Action.REJECT: _("Reject this comment?")}
BUTTONS = {Action.APPROVE: _("Approve"), Action.REJECT: _("Reject")}
GONE = _("This comment no longer exists.")
ALREADY = {
    Comment.Status.PUBLISHED: _("This comment is already published."),
    Comment.Status.REJECTED: _("This comment has already been rejected."),
    Comment.Status.SPAM: _("This comment has already been marked as spam."),
    Comment.Status.REMOVED: _("This comment has been deleted by its author."),
}


def max_age() -> timedelta:
    """How long a link works: the MODERATION_LINK_MAX_AGE setting, in seconds."""
    return timedelta(seconds=settings.MODERATION_LINK_MAX_AGE)


def absolute(path: str) -> str:
    """The address of a path on this site, for e-mail, where there is no request to ask."""
    return settings.SITE_URL.rstrip("/") + path


def make_link(comment: Comment, action: str, moderator) -> str:
    """The absolute one-click address that lets `moderator` apply `action` to `comment` once."""
    if action not in QUESTIONS:
        raise ValueError(f"There are no one-click links to {action!r} a comment.")
    # The nonce makes every link distinct, so that each one is used up on its own.
    payload = {
        "comment": comment.pk,
        "action": str(action),
        "moderator": moderator.pk,
        "nonce": secrets.token_urlsafe(9),
    }
    token = signing.dumps(payload, salt=SALT, compress=True)
    # A signed token is URL-safe base64 and colons: nothing in it needs quoting in a query.
    return absolute(f"{reverse('moderation:link')}?{TOKEN}={token}")


def fingerprint(token: str) -> str:
    """What a decision stores of the link that made it: a hash, never the link itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def can_use_links(user) -> bool:
    """Whether a link's moderator may still moderate: active staff with the permission."""
    return bool(user and user.is_active and user.is_staff and user.has_perm(PERMISSION))


class UnusableLink(Exception):
    """A link that cannot be used, with the message and HTTP status to answer it with."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Link:
    comment: Comment
    action: str
    moderator: object
    fingerprint: str


def read(token: str) -> Link:
    """Check a link's signature, age, earlier use and moderator; raise UnusableLink if it fails."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise UnusableLink(_("This link has expired."), 410) from None
    except signing.BadSignature:
        raise UnusableLink(_("This link is not valid: it may have been cut short."), 400) from None
    if not (
        isinstance(data, dict)
        and data.get("action") in QUESTIONS
        and isinstance(data.get("comment"), int)
        and isinstance(data.get("moderator"), int)
    ):
        raise UnusableLink(_("This link is not valid."), 400)
    digest = fingerprint(token)
    if Decision.objects.filter(link_token=digest).exists():
        raise UnusableLink(_("This link has already been used."), 410)
    moderator = get_user_model().objects.filter(pk=data["moderator"]).first()
    if not can_use_links(moderator):
        raise UnusableLink(_("This link's moderator can no longer moderate comments."), 403)
    comment = Comment.objects.select_related("post").filter(pk=data["comment"]).first()
    if comment is None:
        raise UnusableLink(GONE, 410)
    return Link(comment, data["action"], moderator, digest)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request):
    """GET shows what a link would do; POST does it, once, as the moderator it was sent to."""
    response = _confirm(request, request.GET.get(TOKEN, ""))
    # The page's own address holds the token: no request it makes may pass it on as a referrer.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _confirm(request, token: str):
    try:
        link = read(token)
    except UnusableLink as unusable:
        return _answer(request, unusable.message, status=unusable.status)
    if link.comment.status != Comment.Status.PENDING:
        return _already(request, link.comment)
    if request.method != "POST":
        context = {
            "link": link,
            "comment": link.comment,
            "question": QUESTIONS[link.action],
            "button": BUTTONS[link.action],
        }
        return render(request, "moderation/confirm_link.html", context)
    return _act(request, link)


def _act(request, link: Link):
    """Make the link's decision; the link is used up only if the decision was made."""
    comment = link.comment
    outcome = services.decide(
        [comment.pk],
        link.action,
        moderator=link.moderator,
        reason=REASON,
        link_token=link.fingerprint,
    )
    if comment.pk in outcome.already:
        comment.status = outcome.already[comment.pk]
        return _already(request, comment)
    if comment.pk not in outcome.decided:
        return _answer(request, GONE, status=410)
    comment.status = services.TRANSITIONS[link.action][1]
    return _answer(request, capfirst(DONE[comment.status]), comment=comment)


def _already(request, comment: Comment):
    """Another moderator (or the author) was first: say what became of the comment, and who."""
    decision = (
        Decision.objects.filter(comment=comment, to_status=comment.status)
        .select_related("moderator")
        .first()
    )
    message = ALREADY.get(comment.status, _("This comment is no longer waiting for moderation."))
    return _answer(request, message, comment=comment, decision=decision)


def _answer(request, message, *, status: int = 200, comment=None, decision=None):
    context = {
        "message": message,
        "comment": comment,
        "decision": decision,
        "refused": status >= 400,
    }
    return render(request, "moderation/link_done.html", context, status=status)
