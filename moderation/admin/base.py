"""Pieces shared by the moderation admin's modules."""

from django.contrib import admin
from django.utils.text import Truncator

from moderation.models import Decision

Action = Decision.Action
UNDOABLE = [Action.APPROVE, Action.REJECT, Action.SPAM]


def shorten(text: str, length: int = 80) -> str:
    return Truncator(text).chars(length)


class ModeratePermission:
    """Who may run the actions marked `permissions=["moderate"]`: the Moderators group."""

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("moderation.moderate")


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record the services write and the admin only shows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
