"""The moderation queue: the comments waiting for a moderator, reported first, then oldest,
each shown in its thread with its own decision buttons."""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blogarchive.models import Post
from forum.models import Comment
from moderation import services
from moderation.admin.buttons import KEYS, DeskMixin
from moderation.admin.columns import QueueColumns
from moderation.admin.comments import CommentAdminBase
from moderation.selectors import browsers_per_address, open_reports, state_counts


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


class QueueAdmin(QueueColumns, DeskMixin, CommentAdminBase):
    list_display = ["comment_in_context", "why_held", "author_and_record"]
    # A card holds buttons and links of its own: the author's name links to the comment's page.
    list_display_links = None
    list_filter = [StateFilter, WaitingOnPostFilter]
    # What readers' reports hid first (it was public a moment ago), then oldest first: read
    # straight off the partial index of pending comments (on SQLite, once ANALYZE has given the
    # planner statistics: moderation migration 0006).
    ordering = ["-hidden_by_readers", "created", "pk"]
    # The total count is one more scan of a queue that may hold 100,000 comments.
    show_full_result_count = False
    # A screenful a moderator can read and decide in one go; the admin's rendering costs per row.
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Comment.Status.PENDING)

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
            changelist = response.context_data["cl"]
            # Unfiltered, the page has counted every waiting comment already: not twice.
            whole_queue = not changelist.has_active_filters and not changelist.query
            pending = changelist.result_count if whole_queue else None
            response.context_data["state_counts"] = state_counts(pending=pending)
        return response
