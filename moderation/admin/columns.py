"""The queue's columns: each comment's card, why it waits, and who wrote it with their record."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from forum.models import Comment


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
        return format_html(
            '<a class="desk-author" href="{}">{}</a><span class="desk-record">{}</span>{}',
            comment.change_url,
            comment.display_name,
            record(comment),
            format_html('<span class="desk-record">{}</span>', browsers(comment))
            if comment.commenter and comment.browsers
            else "",
        )


def record(comment: Comment) -> str:
    """How the commenter's earlier comments were decided; a dash for an imported comment."""
    if not comment.commenter:
        return "—"
    return _("%(approved)d approved, %(rejected)d rejected, %(spam)d spam") % {
        "approved": comment.record.get(Comment.Status.PUBLISHED, 0),
        "rejected": comment.record.get(Comment.Status.REJECTED, 0),
        "spam": comment.record.get(Comment.Status.SPAM, 0),
    }


def browsers(comment: Comment) -> str:
    """One browser is one person; several are a shared connection (a library, an office)."""
    return ngettext("%(n)d browser", "%(n)d browsers", comment.browsers) % {"n": comment.browsers}
