"""The moderators' records in the admin: the policy's history, the word lists, blocked
commenters, the audit trail of decisions (with undo) and readers' reports."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from moderation import services
from moderation.admin.base import ModeratePermission, ReadOnlyAdmin, shorten
from moderation.models import Decision

# The decisions a moderator may take back; a correction or an undo is not one of them.
UNDOABLE = [Decision.Action.APPROVE, Decision.Action.REJECT, Decision.Action.SPAM]


class PolicyChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "changed_by", "field", "old_value", "new_value"]
    list_filter = ["field"]
    list_select_related = ["changed_by"]
    date_hierarchy = "changed_at"


class DecisionAdmin(ModeratePermission, ReadOnlyAdmin):
    list_display = [
        "decided_at",
        "action",
        "comment_excerpt",
        "from_status",
        "to_status",
        "moderator",
        "reason",
    ]
    list_filter = ["action", ("moderator", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["comment", "moderator"]
    search_fields = ["reason", "comment__body", "old_body"]
    actions = ["undo_selected"]

    @admin.display(description=_("comment"))
    def comment_excerpt(self, decision):
        return shorten(decision.comment.body, 60)

    @admin.action(permissions=["moderate"], description=_("Undo the decisions"))
    def undo_selected(self, request, queryset):
        self._undo(request, queryset.filter(action__in=UNDOABLE))

    def get_urls(self):
        undo = self.admin_site.admin_view(self.undo_view)
        return [path("undo/", undo, name="moderation_decision_undo"), *super().get_urls()]

    def undo_view(self, request):
        """Ask before undoing the decisions in ?ids=; undo them on POST, never on GET."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        ids = [int(pk) for pk in request.GET.get("ids", "").split(",") if pk.isdigit()]
        decisions = Decision.objects.filter(pk__in=ids, action__in=UNDOABLE)
        decisions = decisions.select_related("comment", "moderator")
        if request.method == "POST":
            self._undo(request, decisions)
            return HttpResponseRedirect(reverse("admin:moderation_pendingcomment_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Undo these decisions?"),
            "decisions": decisions,
        }
        return TemplateResponse(request, "admin/moderation/decision/undo.html", context)

    def _undo(self, request, decisions) -> None:
        undone = [d for d in decisions if services.undo(d, moderator=request.user)]
        self.message_user(
            request,
            ngettext("%(n)d decision undone.", "%(n)d decisions undone.", len(undone))
            % {"n": len(undone)},
        )
        for decision in [d for d in decisions if d not in undone]:
            message = _("“%(comment)s” has changed since; left as it is.")
            state = {"comment": shorten(decision.comment.body, 60)}
            self.message_user(request, message % state, messages.WARNING)


class ReportAdmin(ReadOnlyAdmin):
    list_display = ["reported_at", "comment", "reason", "resolved"]
    list_filter = ["resolved"]
    list_select_related = ["comment"]


class WordRuleAdmin(admin.ModelAdmin):
    list_display = ["phrase", "action", "added"]
    list_filter = ["action"]
    search_fields = ["phrase"]
    fields = ["phrase", "action"]


class WatchedNameAdmin(admin.ModelAdmin):
    list_display = ["name", "added"]
    search_fields = ["name"]
    fields = ["name"]


class BlockedCommenterAdmin(admin.ModelAdmin):
    list_display = ["commenter", "reason", "blocked_by", "blocked_at"]
    list_select_related = ["blocked_by"]
    search_fields = ["commenter", "reason"]
    fields = ["commenter", "reason", "blocked_by", "blocked_at"]
    readonly_fields = ["blocked_by", "blocked_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.blocked_by = request.user
        super().save_model(request, obj, form, change)
