from django import template

from moderation.models import ModerationPolicy
from moderation.selectors import state_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def queue_counts(context) -> dict[str, int] | None:
    """How many comments wait, for the admin's front page; None for those who cannot see them."""
    user = context["request"].user
    if not user.has_perm("moderation.view_pendingcomment"):
        return None
    return state_counts()


@register.simple_tag
def policy_in_lockdown() -> ModerationPolicy | None:
    """The policy while a lockdown holds every comment, for the admin's banner; else None."""
    policy = ModerationPolicy.current()
    return policy if policy.in_lockdown else None
