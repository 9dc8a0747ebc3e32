"""The moderator's desk in the admin: each comment shown in context with its own decision
buttons, deciding one comment per request and undoing it, with or without JavaScript.

Without JavaScript a button posts the queue's own form and the answer is a redirect back to the
same page of the queue; the queue's script posts the same fields and asks for JSON instead.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from forum import markup
from forum.models import Comment
from forum.transitions import MOVES
from moderation import desk, desk_html, services
from moderation.models import Decision
from moderation.selectors import open_reports
from moderation.wording import DONE

Action = Decision.Action
# The buttons, in the order shown, each with the key that presses it on the queue.
BUTTONS = [
    (Action.APPROVE, gettext_lazy("Approve"), "a"),
    (Action.REJECT, gettext_lazy("Reject"), "r"),
    (Action.SPAM, gettext_lazy("Spam"), "s"),
    (Action.KEEP, gettext_lazy("Keep"), "e"),
]

# What the queue's keys do, for its help ("?").
KEYS = [
    ("j", gettext_lazy("next comment")),
    ("k", gettext_lazy("previous comment")),
    ("a", gettext_lazy("approve")),
    ("r", gettext_lazy("reject")),
    ("s", gettext_lazy("spam")),
    ("e", gettext_lazy("keep a reported comment up, its reports dismissed")),
    ("u", gettext_lazy("undo the last decision")),
    ("?", gettext_lazy("show or hide these keys")),
]


class DeskMixin:
    """Decision buttons and context for a comment admin; `transitions` says what each may do."""

    def get_urls(self):
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        undo = self.admin_site.admin_view(require_POST(self.undo_decision_view))
        return [
            path("decide/", decide, name=self._url_name("decide")),
            path("undo/<int:decision_id>/", undo, name=self._url_name("undo_decision")),
            *super().get_urls(),
        ]

    # Where the comment's own page goes after a decision: back to the list, or stay.
    stay_after_deciding = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The comment's page, with the same context and decision buttons as the queue."""
        comment = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if comment is not None:
            context["desk_card"], context["desk_why"] = self.desk_rows([comment])[comment.pk]
            context["desk_next"] = (
                request.get_full_path()
                if self.stay_after_deciding
                else reverse(f"admin:{self._url_name('changelist')}")
            )
        return super().change_view(request, object_id, form_url, context)

    def _decisions(self) -> dict[str, str]:
        """Each decision this admin's buttons make, and the state it leaves a comment in."""
        return {
            **{action: to for action, (_from, to) in self.transitions.items()},
            Action.KEEP: MOVES[services.MOVE_OF[Action.KEEP]].target,
        }

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def desk_urls(self) -> dict[str, str]:
        return {
            "decide": reverse(f"admin:{self._url_name('decide')}"),
            "undo": reverse(f"admin:{self._url_name('undo_decision')}", args=[918273645]),
        }

    def decide_view(self, request):
        """Decide one comment: the button's value is "action:comment id"."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        action, _sep, pk = request.POST.get("decide", "").partition(":")
        if action not in self._decisions() or not pk.isdigit():
            return self._answer(request, {"decided": False, "message": _("Unknown decision.")})
        reason = markup.normalise(request.POST.get(f"reason-{pk}", ""))[:200]
        started = timezone.now()
        if action == Action.KEEP:
            if not _reported(int(pk)):
                message = _("Only a comment readers reported can be kept.")
                return self._answer(request, {"decided": False, "message": message}, warn=True)
            outcome = services.keep([int(pk)], moderator=request.user, reason=reason)
        else:
            outcome = services.decide(
                [int(pk)], action, moderator=request.user, reason=reason, allowed=self.transitions
            )
        if not outcome.decided:
            state = outcome.already.get(int(pk))
            message = _("Someone else decided this comment first: it is %(state)s.") % {
                "state": DONE.get(state, _("gone"))
            }
            return self._answer(request, {"decided": False, "message": message}, warn=True)
        decision = Decision.objects.filter(
            comment_id=pk, action=action, moderator=request.user, decided_at__gte=started
        ).first()
        done = _("Kept up") if action == Action.KEEP else capfirst(DONE[self._decisions()[action]])
        return self._answer(
            request,
            {
                "decided": True,
                "message": done,
                "undo": self.desk_urls()["undo"].replace("918273645", str(decision.pk)),
                "confirm_undo": _confirm_undo_url(decision),
            },
        )

    def undo_decision_view(self, request, decision_id: int):
        """Undo one decision, if nothing has changed its comment since."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        decision = get_object_or_404(Decision.objects.select_related("comment"), pk=decision_id)
        undone = decision.action in self._decisions() and services.undo(
            decision, moderator=request.user
        )
        message = _("Undone.") if undone else _("It has changed since; left as it is.")
        return self._answer(request, {"undone": undone, "message": message}, warn=not undone)

    def _answer(self, request, answer: dict, *, warn: bool = False):
        """JSON for the queue's script; otherwise a message and a redirect to where it was."""
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse(answer)
        if answer.get("confirm_undo"):
            text = format_html(
                '{} · <a href="{}">{}</a>', answer["message"], answer["confirm_undo"], _("Undo")
            )
        else:
            text = answer["message"]
        self.message_user(request, text, "warning" if warn else "success")
        return HttpResponseRedirect(self._back(request))

    def _back(self, request) -> str:
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            return back
        return reverse(f"admin:{self._url_name('changelist')}")

    def desk_rows(self, comments: list[Comment]) -> dict[int, tuple[str, str]]:
        """Each comment's card and why it waits, as HTML, keyed by the comment's id."""
        context = desk.read_in_context(comments)
        decide_url, strings = self.desk_urls()["decide"], desk_html.Strings()
        # Translated once for the page, not once for each of its fifty cards.
        buttons = [(action, str(label), key) for action, label, key in BUTTONS]
        rows = {}
        for c in comments:
            choices = self.buttons_for(c, context[c.pk], buttons)
            rows[c.pk] = (
                desk_html.card(c, context[c.pk], choices, decide_url, strings),
                desk_html.why(c, context[c.pk], strings),
            )
        return rows

    def buttons_for(self, comment: Comment, in_context: desk.InContext, buttons: list) -> list:
        """The decisions this admin may take on the comment as it stands: Keep only for one
        that readers reported."""
        reported = comment.hidden_by_readers or bool(in_context.reports)
        return [
            (action, label, key)
            for action, label, key in buttons
            if (
                reported if action == Action.KEEP else comment.status in self.transitions[action][0]
            )
        ]


def _reported(pk: int) -> bool:
    """Whether readers' reports hid the comment or wait on it: what Keep answers."""
    comments = Comment.objects.filter(pk=pk)
    return comments.filter(Q(hidden_by_readers=True) | open_reports()).exists()


def _confirm_undo_url(decision: Decision) -> str:
    """The page that asks before undoing: what a link in a message may safely point to."""
    return f"{reverse('admin:moderation_decision_undo')}?{urlencode({'ids': decision.pk})}"
