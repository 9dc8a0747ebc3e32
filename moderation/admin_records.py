"""The moderators' records in the admin: the policy switch and its history, the word lists,
blocked commenters, the audit trail of decisions (with undo) and readers' reports."""

from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from forum.rendering import uk_time
from moderation import services
from moderation.admin_base import UNDOABLE, ModeratePermission, ReadOnlyAdmin, shorten
from moderation.models import (
    BlockedCommenter,
    Decision,
    ModerationPolicy,
    PolicyChange,
    Report,
    WatchedName,
    WordRule,
)


class PolicyForm(forms.ModelForm):
    """The policy, with the lockdown switch: hold every comment for the next N hours."""

    lockdown_hours = forms.IntegerField(
        label=_("Hold every comment for the next (hours)"),
        required=False,
        min_value=0,
        max_value=24 * 14,
        help_text=_("Empty: leave as it is. 0: end a lockdown now."),
    )

    class Meta:
        model = ModerationPolicy
        fields = [
            "mode",
            "older_than_days",
            "max_links",
            "close_after_days",
            "min_seconds_between",
            "max_per_hour",
            "report_threshold",
            "report_hides_per_hour",
            "troll_rejected_share",
            "troll_window_days",
            "troll_min_decisions",
        ]


@admin.register(ModerationPolicy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyForm
    radio_fields = {"mode": admin.VERTICAL}
    readonly_fields = ["lockdown_until"]
    fieldsets = [
        (None, {"fields": ["mode", "older_than_days"]}),
        (_("Lockdown"), {"fields": ["lockdown_hours", "lockdown_until"]}),
        (_("Screening"), {"fields": ["max_links", "close_after_days"]}),
        (_("Rate limits"), {"fields": ["min_seconds_between", "max_per_hour"]}),
        (_("Reports"), {"fields": ["report_threshold", "report_hides_per_hour"]}),
        (
            _("Persistent trolls"),
            {"fields": ["troll_rejected_share", "troll_window_days", "troll_min_decisions"]},
        ),
    ]

    # There is one policy, made by a migration: it is never added or deleted here.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """The list of the one policy is that policy."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        policy = ModerationPolicy.current()
        return HttpResponseRedirect(
            reverse("admin:moderation_moderationpolicy_change", args=[policy.pk])
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Read through current(), which ends a lockdown whose time is up before it is shown.
        ModerationPolicy.current()
        history = PolicyChange.objects.select_related("changed_by")[:50]
        context = {"policy_history": history, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def save_model(self, request, obj, form, change):
        """Save the policy, and write one history row for each field that changed."""
        fields = [f for f in obj._meta.concrete_fields if f.editable and not f.primary_key]
        hours = form.cleaned_data.get("lockdown_hours")
        if hours is not None:
            obj.lockdown_until = timezone.now() + timedelta(hours=hours) if hours else None
        with transaction.atomic():
            # Locked, so that two moderators saving at once each record what they changed.
            stored = ModerationPolicy.objects.select_for_update().get(pk=obj.pk)
            super().save_model(request, obj, form, change)
            PolicyChange.objects.bulk_create(
                PolicyChange(
                    changed_by=request.user,
                    field=str(field.verbose_name),
                    old_value=_shown(stored, field),
                    new_value=_shown(obj, field),
                )
                for field in fields
                if field.value_from_object(stored) != field.value_from_object(obj)
            )


def _shown(policy: ModerationPolicy, field) -> str:
    """A policy field's value as the form shows it: the label of a choice, a dash for none."""
    value = field.value_from_object(policy)
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime):
        value = uk_time(value)
    return "—" if value is None else str(value)[:200]


@admin.register(PolicyChange)
class PolicyChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "changed_by", "field", "old_value", "new_value"]
    list_filter = ["field"]
    list_select_related = ["changed_by"]
    date_hierarchy = "changed_at"


@admin.register(Decision)
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


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["reported_at", "comment", "reason", "resolved"]
    list_filter = ["resolved"]
    list_select_related = ["comment"]


@admin.register(WordRule)
class WordRuleAdmin(admin.ModelAdmin):
    list_display = ["phrase", "action", "added"]
    list_filter = ["action"]
    search_fields = ["phrase"]
    fields = ["phrase", "action"]


@admin.register(WatchedName)
class WatchedNameAdmin(admin.ModelAdmin):
    list_display = ["name", "added"]
    search_fields = ["name"]
    fields = ["name"]


@admin.register(BlockedCommenter)
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
