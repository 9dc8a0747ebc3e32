"""Every comment in the admin, and what the queue shares with that list: the actions, the
columns, the text correction. Every change of a comment goes through moderation.services."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from forum.models import Comment
from moderation import services
from moderation.admin.base import ModeratePermission, shorten
from moderation.admin.buttons import DeskMixin
from moderation.admin.forms import CorrectionForm, ModerationActionForm, ReasonForm
from moderation.models import Decision
from moderation.wording import DONE

Action = Decision.Action


def chosen_ids(request, queryset) -> list[int]:
    """The comments a moderator ticked, including any decided by someone else since the page
    loaded: the queue's queryset no longer holds those, but the moderator must hear of them."""
    if request.POST.get("select_across") == "1":
        return list(queryset.values_list("pk", flat=True))
    return [int(pk) for pk in request.POST.getlist(ACTION_CHECKBOX_NAME) if pk.isdigit()]


class CommentAdminBase(ModeratePermission, admin.ModelAdmin):
    """What the queue and the full comment list share: the actions and the correction."""

    transitions = services.TRANSITIONS
    action_form = ModerationActionForm
    actions = [
        "approve_selected",
        "reject_selected",
        "spam_selected",
        "keep_selected",
        "block_commenters",
        "reject_all_from_commenters",
    ]
    form = CorrectionForm
    list_select_related = ["post", "parent"]
    search_fields = ["body", "author_name", "post__title"]
    readonly_fields = [
        "post",
        "replying_to",
        "author",
        "created",
        "status",
        "hold_reason",
        "commenter",
    ]
    # Everything is shown, only the text can be corrected.
    fields = [*readonly_fields, "body", "reason"]

    def has_add_permission(self, request):
        return False

    # Comments are never deleted: a rejected one is kept, and its replies keep their place.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("in reply to"))
    def replying_to(self, comment):
        return shorten(comment.parent.body, 60) if comment.parent_id else "—"

    @admin.display(description=_("author"), ordering="author_name")
    def author(self, comment):
        return comment.display_name

    def save_model(self, request, obj, form, change):
        """Only the text changes, through the service that keeps the old text on record."""
        stored = Comment.objects.get(pk=obj.pk)
        if form.cleaned_data["body"] != stored.body:
            services.correct_text(
                stored,
                form.cleaned_data["body"],
                moderator=request.user,
                reason=form.cleaned_data["reason"],
            )

    @admin.action(permissions=["moderate"], description=_("Approve: publish the comments"))
    def approve_selected(self, request, queryset):
        self._decide(request, chosen_ids(request, queryset), Action.APPROVE)

    @admin.action(permissions=["moderate"], description=_("Reject the comments"))
    def reject_selected(self, request, queryset):
        self._decide(request, chosen_ids(request, queryset), Action.REJECT)

    @admin.action(permissions=["moderate"], description=_("Mark the comments as spam"))
    def spam_selected(self, request, queryset):
        self._decide(request, chosen_ids(request, queryset), Action.SPAM)

    @admin.action(permissions=["moderate"], description=_("Keep (dismiss reports)"))
    def keep_selected(self, request, queryset):
        reason, _public = ReasonForm(request.POST).reasons()
        outcome = services.keep(
            chosen_ids(request, queryset), moderator=request.user, reason=reason
        )
        if n := len(outcome.decided):
            message = ngettext(
                "%(n)d comment kept up; reports will not hide it again.",
                "%(n)d comments kept up; reports will not hide them again.",
                n,
            )
            self.message_user(request, message % {"n": n}, messages.SUCCESS)
        self._tell(request, services.Outcome(already=outcome.already), Action.KEEP, None)

    @admin.action(
        permissions=["moderate"],
        description=_("Block these commenters, and mark the comments as spam"),
    )
    def block_commenters(self, request, queryset):
        ids = chosen_ids(request, queryset)
        reason, _public = ReasonForm(request.POST).reasons()
        commenters = self._commenters(ids)
        for commenter in commenters:
            services.block(commenter, moderator=request.user, reason=reason)
        self.message_user(
            request,
            ngettext("%(n)d commenter blocked.", "%(n)d commenters blocked.", len(commenters))
            % {"n": len(commenters)},
        )
        self._decide(request, ids, Action.SPAM)

    @admin.action(
        permissions=["moderate"], description=_("Reject everything pending from these commenters")
    )
    def reject_all_from_commenters(self, request, queryset):
        reason, public_reason = ReasonForm(request.POST).reasons()
        started, outcome = timezone.now(), services.Outcome()
        for commenter in self._commenters(chosen_ids(request, queryset)):
            one = services.reject_everything_pending_from(
                commenter, moderator=request.user, reason=reason, public_reason=public_reason
            )
            outcome.decided += one.decided
            outcome.already.update(one.already)
        self._tell(request, outcome, Action.REJECT, started)

    def _commenters(self, ids: list[int]) -> set[str]:
        # Imported comments have no commenter: there is nobody to block or to reject.
        rows = Comment.objects.filter(pk__in=ids).exclude(commenter="")
        return set(rows.values_list("commenter", flat=True))

    def _decide(self, request, ids: list[int], action: str) -> None:
        reason, public_reason = ReasonForm(request.POST).reasons()
        started = timezone.now()
        outcome = services.decide(
            ids,
            action,
            moderator=request.user,
            reason=reason,
            public_reason=public_reason,
            allowed=self.transitions,
        )
        self._tell(request, outcome, action, started)

    def _tell(self, request, outcome: services.Outcome, action: str, started) -> None:
        """Say how many were decided, with a link to undo, and which someone else decided first."""
        if outcome.decided:
            decisions = Decision.objects.filter(
                comment_id__in=outcome.decided,
                action=action,
                moderator=request.user,
                decided_at__gte=started,
            ).values_list("pk", flat=True)
            ids = ",".join(map(str, decisions))
            undo_url = f"{reverse('admin:moderation_decision_undo')}?{urlencode({'ids': ids})}"
            n = len(outcome.decided)
            done = ngettext("%(n)d comment %(done)s.", "%(n)d comments %(done)s.", n) % {
                "n": n,
                "done": DONE[self.transitions[action][1]],
            }
            undo_link = format_html('{} <a href="{}">{}</a>', done, undo_url, _("Undo"))
            self.message_user(request, undo_link, messages.SUCCESS)
        comments = Comment.objects.in_bulk(list(outcome.already))
        for pk, status in outcome.already.items():
            message = _("“%(comment)s” was already %(state)s by someone else; left as it is.")
            state = {"comment": shorten(comments[pk].body, 60), "state": DONE[status]}
            self.message_user(request, message % state, messages.WARNING)


class CommentAdmin(DeskMixin, CommentAdminBase):
    """Every comment, whatever its state: to find one, correct its text or take it down."""

    # From the full list a moderator may also take down what is already published.
    transitions = services.TAKE_DOWN
    stay_after_deciding = True
    list_display = ["excerpt", "post_title", "author", "created", "status", "hold_reason"]
    list_filter = ["status", ("post", admin.RelatedOnlyFieldListFilter)]
    ordering = ["-created", "-pk"]

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return shorten(comment.body)

    @admin.display(description=_("post"), ordering="post__title")
    def post_title(self, comment):
        return comment.post.title
