"""The policy switch in the admin: the one policy, its lockdown, and the history of changes."""

from datetime import datetime, timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum import pages
from forum.rendering import uk_time
from moderation.models import ModerationPolicy, PolicyChange


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
        """Save the policy, write one history row for each field that changed, and tell the
        page cache, since every post page shows what the policy decides."""
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
            # Every post page shows the policy (its form, the moderated note): none kept is current.
            pages.site_changed()


def _shown(policy: ModerationPolicy, field) -> str:
    """A policy field's value as the form shows it: the label of a choice, a dash for none."""
    value = field.value_from_object(policy)
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime):
        value = uk_time(value)
    return "—" if value is None else str(value)[:200]
