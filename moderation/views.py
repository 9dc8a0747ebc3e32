"""Moderation from the post page: readers report and delete their own comments; a signed-in
moderator approves or rejects held comments in place. Each is a POST that redirects back."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from forum import markup, ownership
from forum.identity import commenter_id, network_id
from forum.models import Comment
from moderation import reports, services
from moderation.models import Decision, ModerationPolicy

# What a moderator's buttons on the post page do, and from which states. Only "take down"
# rejects a published comment: a reject meant for a held comment that someone else approved
# meanwhile is refused, not turned into a take-down.
ON_PAGE_ACTIONS = {
    "approve": (Decision.Action.APPROVE, services.TRANSITIONS),
    "reject": (Decision.Action.REJECT, services.TRANSITIONS),
    "spam": (Decision.Action.SPAM, services.TRANSITIONS),
    "take_down": (Decision.Action.REJECT, services.TAKE_DOWN),
}


def _clean(text: str) -> str:
    """A short free-text reason, without the control characters (NUL…) a form can smuggle in."""
    return markup.normalise(text)[:200]


def _back_to(comment: Comment) -> HttpResponseRedirect:
    return HttpResponseRedirect(comment.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
def delete_own(request, pk: int):
    """Blogger's Delete: only the browser that posted a comment may take it down, after a page
    that asks whether it should (a GET changes nothing)."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if not ownership.owns(request, comment.pk):
        raise PermissionDenied(_("Only the author of a comment can delete it."))
    if request.method != "POST":
        return render(request, "moderation/confirm_delete.html", {"comment": comment})
    if services.delete_by_author(comment):
        messages.success(request, _("Your comment has been deleted."))
    elif comment.status in (Comment.Status.REJECTED, Comment.Status.SPAM):
        messages.error(request, _("A moderator has removed this comment; it stays as it is."))
    return _back_to(comment)


REPORT_MESSAGES = {
    reports.Result.HIDDEN: gettext_lazy(
        "Thank you. The comment is hidden until a moderator reads it."
    ),
    reports.Result.FLAGGED: gettext_lazy("Thank you for the report. A moderator will look at it."),
    reports.Result.REPEATED: gettext_lazy(
        "You have already reported this comment. A moderator will look at it."
    ),
}


@require_http_methods(["GET", "HEAD", "POST"])
def report(request, pk: int):
    """A reader flags a published comment; enough readers elsewhere send it back to the queue."""
    comment = get_object_or_404(
        Comment.objects.select_related("post"), pk=pk, status=Comment.Status.PUBLISHED
    )
    if request.method != "POST":
        return render(request, "moderation/report.html", {"comment": comment})
    result = reports.report(
        comment,
        reporter=commenter_id(request),
        network=network_id(request),
        reason=_clean(request.POST.get("reason", "")),
        policy=ModerationPolicy.current(),
    )
    if result == reports.Result.LIMITED:
        message = _("You have sent a lot of reports in the last hour. Please come back later.")
        context = {"post": comment.post, "message": message}
        return render(request, "forum/slow_down.html", context, status=429)
    messages.info(request, REPORT_MESSAGES[result])
    return _back_to(comment)


@require_POST
def moderate_on_page(request, pk: int):
    """Approve, reject or spam a held comment, or take down a published one, from its page."""
    if not request.user.has_perm("moderation.moderate"):
        raise PermissionDenied(_("Only moderators can do that."))
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    action, allowed = ON_PAGE_ACTIONS.get(request.POST.get("action", ""), (None, None))
    if action is None:
        messages.error(request, _("Unknown moderation action."))
        return _back_to(comment)
    outcome = services.decide(
        [comment.pk],
        action,
        moderator=request.user,
        reason=_clean(request.POST.get("reason", "")),
        public_reason=_clean(request.POST.get("public_reason", "")),
        allowed=allowed,
    )
    if outcome.decided:
        messages.success(
            request,
            _("Done: the comment is %(state)s.")
            % {"state": Comment.Status(allowed[action][1]).label.lower()},
        )
    else:
        messages.warning(
            request,
            _("Someone else decided this comment first; it is %(state)s.")
            % {"state": Comment.Status(outcome.already.get(comment.pk, comment.status)).label},
        )
    return _back_to(comment)
