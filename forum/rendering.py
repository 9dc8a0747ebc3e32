"""The thread's HTML, built in one pass over the comments.

A thread can hold thousands of comments. Rendering each through the template engine costs
tens of microseconds per tag; here each comment is one string format, so a 10,000-comment
thread renders in a few tens of milliseconds, and the result can be kept whole. Everything
but body_html (sanitised on write by forum.markup) is escaped here.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from forum.identity import pseudonym
from forum.models import Comment
from forum.references import TimeIndex, link_times

Status = Comment.Status


@dataclass(frozen=True)
class Viewer:
    """Who is looking: what changes the thread's HTML from one reader to another."""

    own_ids: frozenset[int] = frozenset()
    moderator: bool = False
    csrf_token: str = ""
    comments_open: bool = True
    # What the reader was just told about one of the comments (posted, deleted): shown next to
    # that comment, where the page lands, rather than at the top of a long page.
    notices: tuple["Notice", ...] = ()

    @property
    def is_anonymous_reader(self) -> bool:
        """The common case, whose thread HTML is the same for everyone and may be cached."""
        return not self.own_ids and not self.moderator and not self.notices


@dataclass(frozen=True)
class Notice:
    """A message for this reader about one comment: its id, the text and its level's tag."""

    comment_id: int | None  # None: about the page as a whole
    text: str
    level: str = "info"


def uk_time(moment: datetime) -> str:
    """A time as the blog showed it, in UK time: "21 December 2015 at 10:55"."""
    return UKClock()(moment)


class UKClock:
    """uk_time() for the many comments of a thread: the zone (settings.TIME_ZONE: no request
    picks another) and Django's month names looked up once, not once per comment. Django's
    date formatting ("j F Y") would cost four times as much again."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.months = {number: str(name) for number, name in MONTHS.items()}

    def __call__(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return (
            f"{local.day} {self.months[local.month]} {local.year} at "
            f"{local.hour:02d}:{local.minute:02d}"
        )


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
    delete: str = field(default_factory=lambda: _("Delete"))
    in_reply_to: str = field(default_factory=lambda: _("in reply to"))
    removed: str = field(default_factory=lambda: _("a removed comment"))
    clock: UKClock = field(default_factory=UKClock)  # and the month names


# What closes each comment's <article>: render_thread leaves it to its caller, who may place a
# form inside the comment first.
CLOSE_COMMENT = "</article>\n"


@dataclass(frozen=True)
class Surroundings:
    """What a page's comments link to beyond themselves: the comments the page shows (linked
    by their anchor; any other by its permalink), and when each comment of the whole thread was
    posted, for the times readers mention (forum.references)."""

    on_page: frozenset[int]
    times: TimeIndex

    @classmethod
    def of(cls, page: list[Comment], whole_thread: list[Comment]) -> "Surroundings":
        return cls(frozenset(comment.pk for comment in page), TimeIndex(whole_thread))


def render_thread(
    comments: list[Comment],
    viewer: Viewer,
    *,
    whole_thread: list[Comment] | None = None,
    surroundings: Surroundings | None = None,
) -> tuple[tuple[int, SafeString], ...]:
    """Each comment of a page of the thread, with its <article> (indented by depth) still open.

    `whole_thread` (all pages) lets a time mentioned in a comment link to a comment on
    another page. `surroundings` instead, when `comments` are only part of the page.
    """
    strings = _Strings()
    urls = _Urls()
    if surroundings is None:
        whole_thread = comments if whole_thread is None else whole_thread
        surroundings = Surroundings.of(comments, whole_thread)
    on_page, times = surroundings.on_page, surroundings.times

    def href(pk: int) -> str:
        return f"#c{pk}" if pk in on_page else urls.permalink.format(pk=pk)

    parts = []
    names: dict[int, str] = {}  # who each comment on the page is by, for "in reply to"
    for comment in comments:
        shown = comment.status == Status.PUBLISHED or _sees_in_full(comment, viewer)
        names[comment.pk] = _reply_label(comment, strings) if shown else strings.removed
        answered = _in_reply_to(comment, names, strings, href)
        if shown:
            body = link_times(comment.body_html, times, comment, href)
            html = _full(comment, body, viewer, strings, urls, answered)
        else:
            html = (
                f'<article class="{_classes(comment)} is-removed" id="c{comment.pk}">'
                f"{answered}"
                f'<p class="comment-removed">{escape(comment.placeholder)}</p>'
            )
        parts.append((comment.pk, mark_safe(html)))  # every part is escaped above
    return tuple(parts)


def _classes(comment: Comment) -> str:
    """Its indent; past the deepest indent, a mark that the "in reply to" line must show."""
    deeper = " past-indent" if comment.level > comment.indent else ""
    return f"comment d{comment.indent}{deeper}"


def _reply_label(comment: Comment, strings: _Strings) -> str:
    """How a reply names the comment it answers: its author, told apart from other Anonymous
    ones by their tag or, for an old comment, its number in the thread."""
    name = _display_name(comment, strings)
    if comment.author_name or comment.commenter or not comment.import_key:
        return name
    return f"{name} #{escape(comment.import_key)}"


def _in_reply_to(comment: Comment, names: dict[int, str], strings: _Strings, href) -> str:
    """Who a reply answers: read aloud always, shown where the indent alone cannot tell."""
    if comment.parent_id is None or comment.parent_id not in names:
        return ""
    return (
        f'<p class="in-reply-to"><a href="{href(comment.parent_id)}">'
        f"{strings.in_reply_to} {names[comment.parent_id]}</a></p>"
    )


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


def _when(comment: Comment, strings: _Strings) -> str:
    """The permalink's text: the time posted, or for an old comment whose time was lost, its
    number in the captured thread ("#12", "#12.3")."""
    if comment.created:
        return (
            f'<time datetime="{comment.created.isoformat(timespec="seconds")}">'
            f"{strings.clock(comment.created)}</time>"
        )
    if comment.import_key:
        return f"#{escape(comment.import_key)}"
    return f"#{comment.pk}"


def _full(comment, body: str, viewer: Viewer, strings: _Strings, urls, answered: str) -> str:
    pk = comment.pk
    name = _display_name(comment, strings)
    state = "" if comment.status == Status.PUBLISHED else f" is-{comment.status}"
    if pk in viewer.own_ids:
        state += " is-mine"
    return (
        f'<article class="{_classes(comment)}{state}" id="c{pk}" aria-labelledby="c{pk}-by">'
        f'<header class="comment-head"><span class="comment-author" id="c{pk}-by">{name}</span>'
        f' <span class="sep" aria-hidden="true">·</span> '
        f'<a class="permalink" href="#c{pk}">{_when(comment, strings)}</a></header>'
        f"{answered}{_told(comment, viewer)}{_notice(comment, viewer)}"
        f'<div class="comment-body">{body}</div>'
        f'<div class="comment-actions">{_actions(comment, viewer, strings, name, urls)}</div>'
    )


def _told(comment: Comment, viewer: Viewer) -> str:
    """What the reader was just told about this comment, where their page lands."""
    return "".join(
        f'<p class="message message-{escape(notice.level)}" role="status">{escape(notice.text)}</p>'
        for notice in viewer.notices
        if notice.comment_id == comment.pk
    )


def _notice(comment: Comment, viewer: Viewer) -> str:
    """What only the author (or a moderator) is told about a comment that is not published."""
    status, own = comment.status, comment.pk in viewer.own_ids
    if status == Status.PUBLISHED:
        return ""
    if status == Status.PENDING and own:
        text = _("Held for moderation: only you can see this until a moderator has read it.")
    elif status == Status.PENDING:
        text = _("Held: %(reason)s") % {"reason": comment.hold_reason or _("waiting")}
    elif status == Status.REMOVED:
        text = _("You deleted this comment. Only you can see it.")
    else:
        text = _("%(outcome)s Only you can see it.") % {"outcome": comment.outcome_for_author}
    return f'<p class="notice">{escape(text)}</p>'


def _actions(comment, viewer: Viewer, strings: _Strings, name: str, urls: "_Urls") -> str:
    pk, status = comment.pk, comment.status
    actions = []
    if status == Status.PUBLISHED and viewer.comments_open:
        actions.append(
            f'<a class="reply-link" href="?reply={pk}#reply-form" data-reply="{pk}">'
            f'{strings.reply}<span class="visually-hidden"> to {name}</span></a>'
        )
    if pk in viewer.own_ids and status in (Status.PUBLISHED, Status.PENDING):
        # A link to a page that asks first: one tap next to Reply must not delete anything.
        actions.append(
            f'<a class="delete-link" href="{urls.delete.format(pk=pk)}" rel="nofollow">'
            f'{strings.delete}<span class="visually-hidden"> your comment</span></a>'
        )
    elif status == Status.PUBLISHED:
        actions.append(
            f'<a class="report-link" href="{urls.report.format(pk=pk)}" rel="nofollow">'
            f'{strings.report}<span class="visually-hidden"> this comment</span></a>'
        )
    if viewer.moderator and status in (Status.PENDING, Status.PUBLISHED):
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
