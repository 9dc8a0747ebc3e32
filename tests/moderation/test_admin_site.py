"""The moderation admin as a whole: every model the moderators work with is on the site, and
what the policy admin changes reaches the post pages kept for readers at once."""

import pytest
from django.test import Client
from django.urls import reverse

from moderation.models import ModerationPolicy

POLICY = reverse("admin:moderation_moderationpolicy_change", args=[1])
MODERATED_NOTE = 'class="moderation-note"'
# Every list a moderator needs, by its admin URL name: the queue, every comment, the policy
# and its history, the audit trail, readers' reports and the screening rules.
MODERATORS_LISTS = [
    "moderation_pendingcomment",
    "forum_comment",
    "moderation_moderationpolicy",
    "moderation_policychange",
    "moderation_decision",
    "moderation_report",
    "moderation_wordrule",
    "moderation_watchedname",
    "moderation_blockedcommenter",
]


@pytest.mark.parametrize("name", MODERATORS_LISTS)
def test_every_list_a_moderator_needs_opens_from_the_admin(moderator_client, name):
    url = reverse(f"admin:{name}_changelist")

    response = moderator_client.get(url)

    # The policy's list is the one policy: it sends the moderator straight to it.
    assert response.status_code == (302 if name == "moderation_moderationpolicy" else 200)
    assert f'href="{url}"' in moderator_client.get(reverse("admin:index")).content.decode()


def page_of(post) -> str:
    """The post page as a reader without cookies gets it: the copy kept for everyone."""
    response = Client().get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def policy_form(client, **changes) -> dict:
    form = client.get(POLICY).context["adminform"].form
    data = {field.html_name: "" if field.value() is None else field.value() for field in form}
    return data | changes


@pytest.fixture
def kept_unmoderated(a_published_comment, moderation_off):
    """A post page kept for readers while moderation is off: it has no moderated note."""
    post = a_published_comment.post
    assert MODERATED_NOTE not in page_of(post)
    return post


def test_switching_moderation_on_in_the_admin_shows_on_a_kept_post_page(
    kept_unmoderated, moderator_client
):
    moderator_client.post(POLICY, policy_form(moderator_client, mode="always"))

    assert ModerationPolicy.current().mode == ModerationPolicy.Mode.ALWAYS
    assert MODERATED_NOTE in page_of(kept_unmoderated)


def test_a_lockdown_started_and_ended_by_hand_shows_on_a_kept_post_page(
    kept_unmoderated, moderator_client
):
    moderator_client.post(POLICY, policy_form(moderator_client, lockdown_hours=2))
    assert MODERATED_NOTE in page_of(kept_unmoderated)

    moderator_client.post(POLICY, policy_form(moderator_client, lockdown_hours=0))
    assert MODERATED_NOTE not in page_of(kept_unmoderated)
