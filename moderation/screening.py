"""Decide what becomes of a new comment: the one question forum asks of moderation."""

from dataclasses import dataclass

from forum.models import Comment


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


class Refused(Exception):
    """The comment is not accepted at all; the message is shown to the commenter."""

    def __init__(self, message: str, *, status_code: int = 400, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.field = field


def screen(*, post, parent, author_name: str, body: str, commenter: str, honeypot: str = ""):
    """Return the status a new comment gets, or raise Refused."""
    if honeypot:
        return Verdict(Comment.Status.SPAM, "a field hidden from people was filled in")
    return Verdict(Comment.Status.APPROVED)
