"""What helps a reader follow a conversation: the comments that are new since their last visit,
and a time such as "08.47" that links to the comment posted then."""

import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from forum.models import Comment
from forum.pages import thread_changed
from tests.browser.pages import comment_box, seed_post
from tests.factories import make_comment

pytestmark = pytest.mark.browser


def test_comments_posted_since_the_last_visit_are_marked_new_on_the_next_one(
    site, open_page, moderation_off
):
    post = seed_post()
    page = open_page("phone")
    page.goto(site.url(post.get_absolute_url()))
    expect(page.locator(".thread article.comment")).to_have_count(63)
    expect(page.locator(".is-new")).to_have_count(0)
    page.locator("#comment-form").get_by_label("Comment").fill("My own, not news to me.")
    page.locator("#comment-form").get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Thank you: your comment is published.")).to_be_visible()

    fresh = make_comment(post=post, body="Just read this on the train.")
    thread_changed(post.pk)
    page.goto(site.url(post.get_absolute_url()))

    expect(page.locator(".is-new")).to_have_count(1)
    expect(comment_box(page, fresh)).to_have_class(re.compile(r"\bis-new\b"))
    expect(comment_box(page, fresh).locator(".new-badge")).to_have_text("New")
    expect(page.locator("#new-since")).to_contain_text("1 new comment since your last visit")
    page.get_by_role("link", name="Jump to the first new comment").click()
    expect(page).to_have_url(re.compile(rf"#c{fresh.pk}$"))
    expect(comment_box(page, fresh)).to_be_in_viewport()

    page.reload()
    expect(page.locator(".is-new")).to_have_count(0)
    expect(page.get_by_text("since your last visit")).to_have_count(0)


def test_a_time_in_a_comment_links_to_the_comment_posted_at_that_time(site, open_page):
    post = seed_post("Probation System Review")
    page = open_page("phone")
    page.goto(site.url(post.get_absolute_url()))
    link = page.locator("a.time-ref", has_text="08.47")
    expect(link).to_have_count(1)

    link.click()

    target = int(re.search(r"#c(\d+)$", page.url)[1])
    posted = Comment.objects.get(pk=target).created.astimezone(ZoneInfo("Europe/London"))
    assert f"{posted:%H:%M}" == "08:47"
    expect(page.locator(f"#c{target}")).to_be_in_viewport()
    expect(page.locator(f"#c{target} time")).to_contain_text("at 08:47")
