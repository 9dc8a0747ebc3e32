"""What became of a comment, in the words every message to a moderator uses."""

from django.utils.translation import gettext_lazy as _

from forum.models import Comment

# Keyed by the state a decision left the comment in: "3 comments approved."
DONE = {
    Comment.Status.PUBLISHED: _("approved"),
    Comment.Status.REJECTED: _("rejected"),
    Comment.Status.SPAM: _("marked as spam"),
    Comment.Status.REMOVED: _("removed"),
    Comment.Status.PENDING: _("put back in the queue"),
}
