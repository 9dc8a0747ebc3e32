"""A moderator in the admin and the readers who see the outcome: held, approved, rejected with
a reply kept under a placeholder, and the policy switched."""

import pytest
from playwright.sync_api import Page, expect

from forum.models import Comment
from moderation.models import ModerationPolicy
from tests.browser.pages import (
    MODERATOR,
    SEND,
    comment_box,
    left_edges,
    screenshot,
    seed_post,
    sign_in,
)

pytestmark = pytest.mark.browser
HELD_NOTICE = "Held for moderation: only you can see this until a moderator has read it."


def leave_a_comment(page: Page, name: str, body: str) -> None:
    form = page.locator("#comment-form")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Comment").fill(body)
    form.get_by_role("button", name=SEND).click()


def run_action(page: Page, comment: Comment, action: str, *, public_reason: str = "") -> None:
    """Tick a comment's row in an admin list and run an action on it."""
    page.locator(f"input.action-select[value='{comment.pk}']").check()
    page.get_by_role("combobox", name="Action").select_option(label=action)
    if public_reason:
        page.get_by_label("Reason shown to the author").fill(public_reason)
    page.get_by_role("button", name="Go").click()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_held_comment_is_found_in_the_queue_approved_and_then_seen_published_by_its_reader(
    site, open_page, device
):
    body = "Has anyone heard when the CRC contracts are signed?"
    reader = open_page(device)
    reader.goto(site.url(seed_post().get_absolute_url()))
    leave_a_comment(reader, "Worried PO", body)
    expect(reader.get_by_text("Thank you: your comment is held for moderation.")).to_be_visible()
    held = Comment.objects.get(body=body)
    expect(comment_box(reader, held)).to_contain_text(HELD_NOTICE)
    expect(comment_box(reader, held)).to_be_in_viewport()

    moderator = open_page(device)
    sign_in(moderator, site.base_url, *MODERATOR)
    moderator.get_by_role("link", name="1 comment waiting for moderation").click()
    expect(
        moderator.get_by_role("heading", name="Moderation queue: reported first, then oldest")
    ).to_be_visible()
    expect(moderator.locator("#result_list")).to_contain_text(body)
    reason = moderator.get_by_label("Reason shown to the author").bounding_box()
    width = moderator.viewport_size["width"]
    assert reason["x"] + reason["width"] <= width, "the action bar fits on the screen"
    assert reason["width"] >= (0.8 * width if device == "phone" else 150), "room to write"
    screenshot(moderator, f"queue-{device}")
    run_action(moderator, held, "Approve: publish the comments")
    expect(moderator.get_by_text("1 comment approved.")).to_be_visible()
    expect(moderator.locator("#result_list")).to_have_count(0)

    reader.reload()
    expect(comment_box(reader, held)).to_contain_text(body)
    expect(comment_box(reader, held)).not_to_contain_text(HELD_NOTICE)
    someone_else = open_page(device)
    someone_else.goto(site.url(seed_post().get_absolute_url()))
    expect(comment_box(someone_else, held)).to_contain_text(body)
    expect(someone_else.locator("#comments-heading")).to_have_text("64 comments")


def test_rejecting_a_reported_comment_that_has_a_reply_leaves_a_placeholder_with_the_reply_under_it(
    site, open_page
):
    ModerationPolicy.objects.filter(pk=1).update(report_threshold=1)
    post = seed_post()
    answered = Comment.objects.filter(post=post, level=0, rght__gt=2).order_by("tree_id").first()
    its_reply = answered.get_children().first()
    reader = open_page()
    reader.goto(site.url(post.get_absolute_url()))
    comment_box(reader, answered).get_by_role("link", name="Report this comment").click()
    reader.get_by_label("What is wrong with it?").fill("Names a colleague.")
    reader.get_by_role("button", name="Report it").click()
    expect(reader.get_by_text("The comment is hidden until a moderator reads it.")).to_be_visible()

    moderator = open_page()
    sign_in(moderator, site.base_url, *MODERATOR)
    moderator.goto(site.url("/admin/moderation/pendingcomment/"))
    moderator.get_by_role("link", name="reported by readers").click()
    expect(moderator.locator("#result_list tbody tr")).to_have_count(1)
    run_action(moderator, answered, "Reject the comments", public_reason="Names a colleague.")
    expect(moderator.get_by_text("1 comment rejected.")).to_be_visible()

    reader.reload()
    placeholder = comment_box(reader, answered)
    expect(placeholder).to_have_text("This comment has been removed by a moderator.")
    expect(placeholder).not_to_contain_text(answered.body[:40])
    following = placeholder.locator("xpath=following-sibling::article[1]")
    expect(following).to_have_id(f"c{its_reply.pk}")
    expect(following).to_contain_text(its_reply.body[:40])
    edges = left_edges(reader)
    assert edges[its_reply.pk] > edges[answered.pk]
    placeholder.scroll_into_view_if_needed()
    screenshot(reader, "placeholder-desktop", full_page=False)


def test_switching_moderation_off_is_shown_in_the_policy_history_and_publishes_at_once(
    site, open_page
):
    moderator = open_page()
    sign_in(moderator, site.base_url, *MODERATOR)
    moderator.goto(site.url("/admin/moderation/moderationpolicy/1/change/"))
    moderator.get_by_label("Never: publish comments at once").check()
    moderator.get_by_role("button", name="Save", exact=True).click()

    history = moderator.locator("#policy-history tbody tr").first
    expect(history).to_contain_text("moderator")
    expect(history).to_contain_text("moderate comments")
    expect(history).to_contain_text("Always: hold every comment for a moderator")
    expect(history).to_contain_text("Never: publish comments at once")
    screenshot(moderator, "policy-desktop")

    reader = open_page()
    reader.goto(site.url(seed_post().get_absolute_url()))
    leave_a_comment(reader, "", "Comments go straight up again.")
    expect(reader.get_by_text("Thank you: your comment is published.")).to_be_visible()
    expect(reader.locator("#comments-heading")).to_have_text("64 comments")
