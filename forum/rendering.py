"""The thread's HTML, built in one pass over the comments.

A thread can hold thousands of comments. Rendering each through the template engine costs
tens of microseconds per tag; here each comment is one string format, so a 10,000-comment
thread renders in a few tens of milliseconds, and the result can be cached whole. Everything
but body_html (sanitised on write by forum.markup) is escaped here.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from forum.identity import pseudonym
from forum.models import Comment
from forum.references import TimeIndex, link_times

Status = Comment.Status
_MONTHS = [
    "", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


@dataclass(frozen=True)
class Viewer:
    """Who is looking: what changes the thread's HTML from one reader to another."""

    own_ids: frozenset[int] = frozenset()
    moderator: bool = False
    csrf_token: str = ""
    comments_open: bool = True

    @property
    def is_anonymous_reader(self) -> bool:
        """The common case, whose thread HTML is the same for everyone and may be cached."""
        return not self.own_ids and not self.moderator


def uk_time(moment: datetime) -> str:
    """A time as the blog showed it, in UK time: "21 December 2015 at 10:55"."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return f"{local.day} {_MONTHS[local.month]} {local.year} at {local:%H:%M}"


def _url_pattern(name: str) -> str:
    """A URL with "{pk}" where the comment's id goes, reversed once per thread."""
    return reverse(name, args=[918273645]).replace("918273645", "{pk}")


@dataclass
class _Urls:
    report: str = field(default_factory=lambda: _url_pattern("moderation:report"))
    delete: str = field(default_factory=lambda: _url_pattern("moderation:delete"))
    moderate: str = field(default_factory=lambda: _url_pattern("moderation:moderate"))
    permalink: str = field(default_factory=lambda: _url_pattern("forum:comment"))


@dataclass
class _Strings:
    """The translated fixed phrases, looked up once per thread rather than once per comment."""

    anonymous: str = field(default_factory=lambda: _("Anonymous"))
    reply: str = field(default_factory=lambda: _("Reply"))
    report: str = field(default_factory=lambda: _("Report"))
    link: str = field(default_factory=lambda: _("Link"))


def render_thread(
    comments: list[Comment], viewer: Viewer, *, whole_thread: list[Comment] | None = None
) -> SafeString:
    """The HTML of a page of the thread, one <article> per comment, indented by depth.

    `whole_thread` (all pages) lets a time mentioned in a comment link to a comment on
    another page.
    """
    strings = _Strings()
    urls = _Urls()
    on_page = {comment.pk for comment in comments}
    times = TimeIndex(whole_thread if whole_thread is not None else comments)

    def href(pk: int) -> str:
        return f"#c{pk}" if pk in on_page else urls.permalink.format(pk=pk)

    parts = []
    for comment in comments:
        if comment.status == Status.APPROVED or _sees_in_full(comment, viewer):
            body = link_times(comment.body_html, times, comment, href)
            parts.append(_full(comment, body, viewer, strings, urls))
        else:
            parts.append(
                f'<article class="comment d{comment.indent} is-removed" id="c{comment.pk}">'
                f'<p class="comment-removed">{escape(comment.placeholder)}</p></article>\n'
            )
    return mark_safe("".join(parts))  # every part is escaped above


def _sees_in_full(comment: Comment, viewer: Viewer) -> bool:
    if comment.pk in viewer.own_ids:
        return True
    return viewer.moderator and comment.status == Status.PENDING


def _display_name(comment: Comment, strings: _Strings) -> str:
    """The name given, or Anonymous with a tag that follows one commenter through a thread."""
    if comment.author_name:
        return escape(comment.author_name)
    if comment.commenter:
        return f"{strings.anonymous} ·{pseudonym(comment.commenter, comment.post_id)}"
    return strings.anonymous


def _full(comment: Comment, body: str, viewer: Viewer, strings: _Strings, urls: "_Urls") -> str:
    pk = comment.pk
    name = _display_name(comment, strings)
    when = (
        f'<time datetime="{comment.created.isoformat(timespec="seconds")}">'
        f"{uk_time(comment.created)}</time>"
        if comment.created
        else f'{strings.link}<span class="visually-hidden"> to this comment</span>'
    )
    state = "" if comment.status == Status.APPROVED else f" is-{comment.status}"
    if pk in viewer.own_ids:
        state += " is-mine"
    return (
        f'<article class="comment d{comment.indent}{state}" id="c{pk}" '
        f'aria-labelledby="c{pk}-by">'
        f'<header class="comment-head"><span class="comment-author" id="c{pk}-by">{name}</span> '
        f'<a class="permalink" href="#c{pk}">{when}</a></header>'
        f"{_notice(comment, viewer)}"
        f'<div class="comment-body">{body}</div>'
        f'<div class="comment-actions">{_actions(comment, viewer, strings, name, urls)}'
        f"</div></article>\n"
    )


def _notice(comment: Comment, viewer: Viewer) -> str:
    """What only the author (or a moderator) is told about a comment that is not published."""
    status, own = comment.status, comment.pk in viewer.own_ids
    if status == Status.APPROVED:
        return ""
    if status == Status.PENDING and own:
        text = _("Held for moderation: only you can see this until a moderator has read it.")
    elif status == Status.PENDING:
        text = _("Held: %(reason)s") % {"reason": comment.hold_reason or _("waiting")}
    elif status == Status.REMOVED:
        text = _("You deleted this comment. Only you can see it.")
    elif comment.public_reason:
        text = _(
            "Not published: a moderator removed your comment, saying: “%(reason)s”. "
            "Only you can see it."
        ) % {"reason": comment.public_reason}
    else:
        text = _("Not published: a moderator removed your comment. Only you can see it.")
    return f'<p class="notice">{escape(text)}</p>'


def _actions(comment, viewer: Viewer, strings: _Strings, name: str, urls: "_Urls") -> str:
    pk, status = comment.pk, comment.status
    actions = []
    if status == Status.APPROVED and viewer.comments_open:
        actions.append(
            f'<a class="reply-link" href="?reply={pk}#reply-form" data-reply="{pk}">'
            f'{strings.reply}<span class="visually-hidden"> to {name}</span></a>'
        )
    if pk in viewer.own_ids and status in (Status.APPROVED, Status.PENDING):
        actions.append(_form(urls.delete.format(pk=pk), viewer, _("Delete"), "link-button"))
    elif status == Status.APPROVED:
        actions.append(
            f'<a class="report-link" href="{urls.report.format(pk=pk)}" rel="nofollow">'
            f'{strings.report}<span class="visually-hidden"> this comment</span></a>'
        )
    if viewer.moderator and status in (Status.PENDING, Status.APPROVED):
        actions.append(_moderator_form(comment, viewer, urls))
    return " ".join(actions)


def _moderator_form(comment, viewer: Viewer, urls: "_Urls") -> str:
    """A moderator's decision on the page: approve, reject or spam a held comment (with a
    reason the author is shown), or take down a published one."""
    if comment.status == Status.PENDING:
        choices = [("approve", _("Approve")), ("reject", _("Reject")), ("spam", _("Spam"))]
    else:
        choices = [("take_down", _("Take down"))]
    buttons = " ".join(
        f'<button type="submit" name="action" value="{value}" class="{value}">'
        f"{escape(label)}</button>"
        for value, label in choices
    )
    return (
        f'<form method="post" action="{urls.moderate.format(pk=comment.pk)}" class="inline-form '
        f'moderate-form"><input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{viewer.csrf_token}"><label class="moderate-reason">'
        f"{escape(_('Reason shown to the author'))} "
        f'<input type="text" name="public_reason" maxlength="200"></label> {buttons}</form>'
    )


def _form(action: str, viewer: Viewer, label: str, css: str) -> str:
    return (
        f'<form method="post" action="{action}" class="inline-form">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{viewer.csrf_token}">'
        f'<button type="submit" class="{css}">{escape(label)}</button></form>'
    )
