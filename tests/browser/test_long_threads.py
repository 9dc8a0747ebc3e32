"""A thread past 200 conversations comes in pages that work without JavaScript, and a
comment's permalink opens the page it is on, at the comment."""

import datetime
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from forum.models import Comment
from tests.browser.pages import SEND, comment_box
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.browser


@pytest.fixture
def a_long_thread(site):
    """A post with more top-level comments than fit on one page, the last one answered."""
    post = make_post(title="A Very Long Conversation", published=datetime.date(2014, 10, 30))
    per_page = settings.FORUM_COMMENTS_PER_PAGE
    for n in range(per_page + 3):
        last = make_comment(post=post, body=f"Top-level comment number {n + 1}.")
    make_comment(post=post, parent=last, body="The last word, for now.")
    return post


def test_a_long_thread_is_paged_and_the_pager_works_without_javascript(
    site, open_page, a_long_thread
):
    assert settings.FORUM_COMMENTS_PER_PAGE == 200
    page = open_page("phone", javascript=False)
    page.goto(site.url(a_long_thread.get_absolute_url()))
    expect(page.locator("#comments-heading")).to_have_text("204 comments")
    expect(page.locator(".thread article.comment")).to_have_count(200)
    expect(page.get_by_text("Comments page 1 of 2").first).to_be_visible()

    page.get_by_role("link", name="Later comments").first.click()

    expect(page).to_have_url(re.compile(r"\?page=2#comments$"))
    expect(page.locator(".thread article.comment")).to_have_count(4)
    expect(page.locator(".thread")).to_contain_text("Top-level comment number 203.")
    expect(page.locator(".thread")).not_to_contain_text("Top-level comment number 200.")
    page.get_by_role("link", name="Earlier comments").first.click()
    expect(page).to_have_url(re.compile(r"\?page=1#comments$"))
    expect(page.locator(".thread")).to_contain_text("Top-level comment number 200.")


def test_a_permalink_to_a_comment_on_a_later_page_lands_on_it(site, open_page, a_long_thread):
    reply = Comment.objects.get(body="The last word, for now.")
    page = open_page("phone", javascript=False)

    page.goto(site.url(reply.get_absolute_url()))

    expect(page).to_have_url(
        re.compile(rf"{a_long_thread.get_absolute_url()}\?page=2#c{reply.pk}$")
    )
    expect(comment_box(page, reply)).to_be_in_viewport()
    expect(comment_box(page, reply)).to_contain_text("The last word, for now.")


def test_replying_on_a_later_page_without_javascript_stays_on_that_page(
    site, open_page, a_long_thread, moderation_off
):
    answered = Comment.objects.get(body="Top-level comment number 202.")
    page = open_page("desktop", javascript=False)
    page.goto(site.url(f"{a_long_thread.get_absolute_url()}?page=2"))

    comment_box(page, answered).get_by_role("link", name="Reply").click()
    form = comment_box(page, answered).locator("#reply-form")
    form.get_by_label("Comment").fill("Still reading, two pages in.")
    form.get_by_role("button", name=SEND).click()

    reply = Comment.objects.get(body="Still reading, two pages in.")
    assert reply.parent_id == answered.pk
    expect(page).to_have_url(re.compile(rf"\?page=2#c{reply.pk}$"))
    expect(comment_box(page, reply)).to_be_in_viewport()
