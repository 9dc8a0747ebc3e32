"""The moderators' admin: the policy switch and its history, the queue, every comment, the
screening rules and the audit trail. Every change of a comment goes through moderation.services.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blogarchive.models import Post
from forum.models import Comment
from moderation import (
    admin_records,  # noqa: F401 - registers the policy and the records
    services,
)
from moderation.admin_base import DONE, ModeratePermission, shorten
from moderation.admin_desk import KEYS, DeskMixin
from moderation.admin_forms import CorrectionForm, ModerationActionForm, ReasonForm
from moderation.admin_queue import QueueColumns
from moderation.models import (
    Decision,
    PendingComment,
)
from moderation.selectors import browsers_per_address, open_reports, state_counts

Status = Comment.Status
Action = Decision.Action


def chosen_ids(request, queryset) -> list[int]:
    """The comments a moderator ticked, including any decided by someone else since the page
    loaded: the queue's queryset no longer holds those, but the moderator must hear of them."""
    if request.POST.get("select_across") == "1":
        return list(queryset.values_list("pk", flat=True))
    return [int(pk) for pk in request.POST.getlist(ACTION_CHECKBOX_NAME) if pk.isdigit()]


class CommentAdminBase(ModeratePermission, admin.ModelAdmin):
    """What the queue and the full comment list share: the actions, the columns, the correction."""

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
    raw_id_fields = ["parent"]
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

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return shorten(comment.body)

    @admin.display(description=_("post"), ordering="post__title")
    def post_title(self, comment):
        return comment.post.title

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


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("held", _("held by the rules")), ("reported", _("reported by readers"))]

    def queryset(self, request, queryset):
        if self.value() == "held":
            return queryset.exclude(open_reports())
        if self.value() == "reported":
            return queryset.filter(open_reports())
        return queryset


class WaitingOnPostFilter(admin.SimpleListFilter):
    """The most recent posts with comments waiting, each with how many.

    A queue spread over thousands of posts would otherwise list every one of them, a sidebar
    nobody can read that costs more than the page it sits on. Two queries, both bound by the
    partial index of pending comments: which recent posts have any, and how many.
    """

    title = _("post (latest with comments waiting)")
    parameter_name = "post"
    shown = 30

    def lookups(self, request, model_admin):
        waiting = Comment.objects.pending()
        posts = Post.objects.filter(Exists(waiting.filter(post=OuterRef("pk"))))
        recent = list(posts.order_by("-published", "-pk").values_list("pk", "title")[: self.shown])
        chosen = self.chosen()
        if chosen is not None and chosen not in {pk for pk, _ in recent}:
            recent += Post.objects.filter(pk=chosen).values_list("pk", "title")
        counts = dict(
            waiting.filter(post__in=[pk for pk, _ in recent])
            .values_list("post")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return [(str(pk), f"{title} ({counts.get(pk, 0)})") for pk, title in recent]

    def chosen(self) -> int | None:
        """The post asked for, if ?post= is a post id at all (else the filter is ignored)."""
        # A few thousand digits would make int() itself raise; ids fit in 18.
        value = self.value() or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None

    def queryset(self, request, queryset):
        chosen = self.chosen()
        return queryset if chosen is None else queryset.filter(post_id=chosen)


@admin.register(PendingComment)
class QueueAdmin(QueueColumns, DeskMixin, CommentAdminBase):
    list_display = ["comment_in_context", "why_held", "author_and_record"]
    # A card holds buttons and links of its own: the author's name links to the comment's page.
    list_display_links = None
    list_filter = [StateFilter, WaitingOnPostFilter]
    # What readers' reports hid first (it was public a moment ago), then oldest first: read
    # straight off the partial index of pending comments.
    ordering = ["-hidden_by_readers", "created", "pk"]
    # The total count is one more scan of a queue that may hold 100,000 comments.
    show_full_result_count = False
    # A screenful a moderator can read and decide in one go; the admin's rendering costs per row.
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Status.PENDING)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        comments = list(changelist.result_list)
        # Every commenter, report and answer on the page in one query each, not one per row.
        records = services.commenter_record(c.commenter for c in comments)
        browsers = browsers_per_address(c.commenter for c in comments)
        rows = self.desk_rows(comments)
        # Reversed once for the page: "{pk}" stands where each comment's id goes.
        change_url = reverse("admin:moderation_pendingcomment_change", args=[0]).replace(
            "/0/", "/{pk}/"
        )
        for comment in comments:
            comment.record = records.get(comment.commenter, {})
            comment.browsers = browsers.get(comment.commenter, 0)
            comment.card, comment.why = rows[comment.pk]
            comment.change_url = change_url.format(pk=comment.pk)
        return changelist

    def changelist_view(self, request, extra_context=None):
        context = {
            "title": _("Moderation queue: reported first, then oldest"),
            "desk_keys": KEYS,
            **(extra_context or {}),
        }
        response = super().changelist_view(request, context)
        if isinstance(response, TemplateResponse):
            response.context_data["state_counts"] = state_counts()
        return response


@admin.register(Comment)
class CommentAdmin(DeskMixin, CommentAdminBase):
    # From the full list a moderator may also take down what is already published.
    transitions = services.TAKE_DOWN
    stay_after_deciding = True
    list_display = ["excerpt", "post_title", "author", "created", "status", "hold_reason"]
    list_filter = ["status", ("post", admin.RelatedOnlyFieldListFilter)]
    ordering = ["-created", "-pk"]
