"""The moderators' admin: the queue, every comment, the policy switch and its history, the
screening rules and the audit trail. Every model the moderators work with is registered here."""

from django.contrib import admin

from forum.models import Comment
from moderation.admin.comments import CommentAdmin
from moderation.admin.policy import PolicyAdmin
from moderation.admin.queue import QueueAdmin
from moderation.admin.records import (
    BlockedCommenterAdmin,
    DecisionAdmin,
    PolicyChangeAdmin,
    ReportAdmin,
    WatchedNameAdmin,
    WordRuleAdmin,
)
from moderation.models import (
    BlockedCommenter,
    Decision,
    ModerationPolicy,
    PendingComment,
    PolicyChange,
    Report,
    WatchedName,
    WordRule,
)

admin.site.register(PendingComment, QueueAdmin)
admin.site.register(Comment, CommentAdmin)
admin.site.register(ModerationPolicy, PolicyAdmin)
admin.site.register(PolicyChange, PolicyChangeAdmin)
admin.site.register(Decision, DecisionAdmin)
admin.site.register(Report, ReportAdmin)
admin.site.register(WordRule, WordRuleAdmin)
admin.site.register(WatchedName, WatchedNameAdmin)
admin.site.register(BlockedCommenter, BlockedCommenterAdmin)
