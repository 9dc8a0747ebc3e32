"""The queue's columns: each comment's card, why it waits, and who wrote it with their record."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from forum.models import Comment

Status = Comment.Status


class QueueColumns:
    """Columns over rows that the queue's changelist has given a card, a record and browsers."""

    @admin.display(description=_("comment, in its thread"))
    def comment_in_context(self, comment):
        return comment.card

    @admin.display(description=_("why it waits"))
    def why_held(self, comment):
        return comment.why

    @admin.display(description=_("author"))
    def author_and_record(self, comment):
        browsers = getattr(comment, "browsers", 0)
        return format_html(
            '<a class="desk-author" href="{}">{}</a><span class="desk-record">{}</span>{}',
            comment.change_url,
            comment.display_name,
            self.record(comment),
            format_html('<span class="desk-record">{}</span>', self.browsers(comment))
            if comment.commenter and browsers
            else "",
        )

    @admin.display(description=_("commenter's record"))
    def record(self, comment):
        record = getattr(comment, "record", None)
        if not comment.commenter or record is None:
            return "—"
        return _("%(approved)d approved, %(rejected)d rejected, %(spam)d spam") % {
            "approved": record.get(Status.APPROVED, 0),
            "rejected": record.get(Status.REJECTED, 0),
            "spam": record.get(Status.SPAM, 0),
        }

    @admin.display(description=_("browsers at this address"))
    def browsers(self, comment):
        """One browser is one person; several are a shared connection (a library, an office)."""
        n = getattr(comment, "browsers", 0)
        if not comment.commenter or not n:
            return "—"
        return ngettext("%(n)d browser", "%(n)d browsers", n) % {"n": n}
