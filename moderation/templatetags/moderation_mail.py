"""Filters for the moderators' plain-text e-mails, where a reader's text must not pass for ours."""

from django import template

from forum import markup

register = template.Library()


@register.filter
def quoted(text: str) -> str:
    """Each line of a reader's text behind "> ", so that none can pose as a link of ours."""
    # splitlines() also parts at the breaks mail programs may honour: VT, FF, NEL, U+2028...
    return "\n".join("> " + line for line in str(text).splitlines()) or "> "


@register.filter
def one_line(text: str) -> str:
    """A name on one line, as it is stored now, even if it was stored before that rule."""
    return markup.one_line(str(text))
