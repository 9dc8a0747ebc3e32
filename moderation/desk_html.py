"""The HTML of the desk's cards: each comment in its thread with its buttons, and why it waits.

Built with string formats, not the template engine: a page of the queue holds fifty cards of a
dozen fields each, and the engine spent most of the page's time on them. Everything is escaped
here but body_html (sanitised on write by forum.markup) and the marked body (desk.marked()).
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum.models import Comment
from forum.rendering import uk_time
from moderation.desk import InContext


@dataclass
class Strings:
    """The fixed phrases, translated once per page rather than once per card."""

    on: str = field(default_factory=lambda: _("On"))
    in_reply_to: str = field(default_factory=lambda: _("in reply to"))
    reason: str = field(default_factory=lambda: _("Reason (optional)"))
    marked: str = field(default_factory=lambda: _("Marked in the text"))
    no_reason: str = field(default_factory=lambda: _("no reason given"))


def card(
    comment: Comment, desk: InContext, buttons: list, decide_url: str, strings: Strings
) -> SafeString:
    """The comment as readers would see it, under the comment it answers, with its buttons."""
    pk, post = comment.pk, comment.post
    parent = ""
    if comment.parent_id:
        parent = (
            f'<blockquote class="desk-parent">{_by(comment.parent)}'
            f'<div class="desk-text">{comment.parent.body_html}</div></blockquote>'
        )
    return mark_safe(  # every part is escaped or already sanitised
        f'<div class="desk-card" id="desk-{pk}" data-comment="{pk}">'
        f'<p class="desk-where">{escape(strings.on)} <a href="{escape(post.get_absolute_url())}">'
        f"{escape(post.title)}</a>{f', {escape(strings.in_reply_to)}:' if parent else ''}</p>"
        f'{parent}<div class="desk-comment">{_by(comment)}'
        f'<div class="desk-text desk-body">{desk.body}</div></div>'
        f"{_referrers(desk.referrers)}{_decide(pk, buttons, decide_url, strings)}</div>"
    )


def why(comment: Comment, desk: InContext, strings: Strings) -> SafeString:
    """Why the comment waits: readers' reports and their reasons, the rule, what is marked."""
    parts = []
    if desk.reports:
        n = len(desk.reports)
        reported = ngettext("Reported by %(n)d reader", "Reported by %(n)d readers", n) % {"n": n}
        reasons = "".join(f"<li>{escape(r.reason or strings.no_reason)}</li>" for r in desk.reports)
        parts.append(
            f'<p class="desk-reported"><strong>{escape(reported)}</strong></p>'
            f'<ul class="desk-report-reasons">{reasons}</ul>'
        )
    parts.append(f'<p class="desk-hold-reason">{escape(comment.hold_reason or "—")}</p>')
    if desk.found:
        found = ", ".join(desk.found)
        parts.append(f'<p class="desk-found">{escape(strings.marked)}: {escape(found)}</p>')
    return mark_safe(f'<div class="desk-why">{"".join(parts)}</div>')  # escaped above


def _by(comment: Comment) -> str:
    when = f" · {uk_time(comment.created)}" if comment.created else ""
    return f'<p class="desk-by"><strong>{escape(comment.display_name)}</strong>{when}</p>'


def _referrers(referrers: list[Comment]) -> str:
    if not referrers:
        return ""
    n = len(referrers)
    said = ngettext(
        "Answered by its time in %(n)d published comment:",
        "Answered by its time in %(n)d published comments:",
        n,
    ) % {"n": n}
    quoted = "".join(
        f'<blockquote class="desk-referrer">{_by(r)}<div class="desk-text">{r.body_html}</div>'
        "</blockquote>"
        for r in referrers
    )
    return f'<div class="desk-referrers"><p>{escape(said)}</p>{quoted}</div>'


def _decide(pk: int, buttons: list, decide_url: str, strings: Strings) -> str:
    if not buttons:
        return ""
    pressed = " ".join(
        f'<button type="submit" class="button desk-{action}" formaction="{decide_url}" '
        f'name="decide" value="{action}:{pk}"{_key(key)}>{escape(label)}</button>'
        for action, label, key in buttons
    )
    return (
        f'<div class="desk-decide"><label class="desk-reason"><span>{escape(strings.reason)}'
        f'</span> <input type="text" name="reason-{pk}" maxlength="200"></label>'
        f'<span class="desk-buttons">{pressed}</span></div>'
    )


def _key(key: str) -> str:
    return f' data-key="{key}" aria-keyshortcuts="{key}"' if key else ""
