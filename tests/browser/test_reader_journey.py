"""A reader on a desktop or a phone, with JavaScript on or off: browse, open a post, read the
thread in its nesting, reply and reply to a reply."""

import re

import pytest
from playwright.sync_api import Page, expect

from blogarchive.models import Post
from forum.models import Comment
from tests.browser.pages import (
    SEND,
    WAITING_GAME_2,
    comment_box,
    left_edges,
    screenshot,
    seed_post,
)

pytestmark = pytest.mark.browser


def no_sideways_scrolling(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_reader_opens_the_waiting_game_2_from_the_home_page_and_reads_its_63_comments_nested(
    site, open_page, device
):
    page = open_page(device)
    page.goto(site.url("/"))
    expect(page.get_by_role("heading", name=WAITING_GAME_2)).to_be_visible()
    assert no_sideways_scrolling(page)
    screenshot(page, f"home-{device}")

    page.get_by_role("link", name=WAITING_GAME_2).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(WAITING_GAME_2)
    expect(page.locator("#comments-heading")).to_have_text("63 comments")
    expect(page.locator(".thread article.comment")).to_have_count(63)
    expect(page.locator(".thread .comment-body:not(:empty)")).to_have_count(63)
    edges = left_edges(page)
    in_tree_order = Comment.objects.filter(post=seed_post()).order_by("tree_id", "lft")
    parents = dict(in_tree_order.values_list("pk", "parent_id"))
    assert list(edges) == list(parents)
    replies = {pk: parent for pk, parent in parents.items() if parent}
    assert len(replies) == 31
    assert all(edges[pk] > edges[parent] for pk, parent in replies.items())
    assert no_sideways_scrolling(page)
    screenshot(page, f"post-{device}")


def test_a_reader_finds_a_post_through_the_year_and_the_month_archives(site, open_page):
    page = open_page("desktop")
    page.goto(site.url("/"))

    page.get_by_role("complementary").get_by_role("link", name="2014", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Posts from 2014")
    in_2014 = Post.objects.filter(published__year=2014).count()
    expect(page.locator(".post-summary")).to_have_count(in_2014)
    page.get_by_role("complementary").get_by_role("link", name="October 2014").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Posts from October 2014")
    screenshot(page, "archive-desktop")
    page.get_by_role("link", name=WAITING_GAME_2).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(WAITING_GAME_2)


def reply_to(page: Page, comment: Comment, body: str, *, javascript: bool) -> Comment:
    """Open the reply form under a comment, write a reply and publish it."""
    box = comment_box(page, comment)
    box.locator(":scope > .comment-actions .reply-link").click()
    form = box.locator("#reply-form")
    expect(form).to_be_visible()
    if javascript:
        assert "?reply=" not in page.url, "with JavaScript the form opens without a new page"
        expect(form.get_by_label("Comment")).to_be_focused()
    else:
        assert f"?reply={comment.pk}" in page.url
        expect(box.locator(":scope > .comment-actions")).to_be_in_viewport()
    form.get_by_label("Name").fill("Probation Officer")
    form.get_by_label("Comment").fill(body)
    form.get_by_role("button", name=SEND).click()
    expect(page.get_by_text("Thank you: your comment is published.")).to_be_visible()
    return Comment.objects.get(body=body)


def assert_in_place_under(page: Page, reply: Comment, parent: Comment) -> None:
    """The reply is shown straight after the comment it answers, indented one step further."""
    assert reply.parent_id == parent.pk
    assert page.url.endswith(f"#c{reply.pk}")
    box = comment_box(page, reply)
    expect(box).to_contain_text(reply.body)
    expect(box).to_be_in_viewport()
    following = comment_box(page, parent).locator("xpath=following-sibling::article[1]")
    expect(following).to_have_id(f"c{reply.pk}")
    edges = left_edges(page)
    assert edges[reply.pk] > edges[parent.pk]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_reader_replies_to_a_reply_then_to_their_own_reply_and_sees_each_in_place(
    site, open_page, moderation_off, device, javascript
):
    # In the seed thread the replies have no replies yet: each new one goes straight under.
    a_reply = Comment.objects.filter(post=seed_post(), level=1).order_by("lft", "tree_id")[4]
    page = open_page(device, javascript=javascript)
    page.goto(site.url(seed_post().get_absolute_url()))

    first = reply_to(page, a_reply, "Burn out is real: I have seen it.", javascript=javascript)
    assert_in_place_under(page, first, a_reply)
    second = reply_to(page, first, "And nobody counts it in the workload.", javascript=javascript)
    assert_in_place_under(page, second, first)

    expect(page.locator("#comments-heading")).to_have_text("65 comments")
    screenshot(page, f"reply-{device}-{'js' if javascript else 'no-js'}", full_page=False)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_reply_flow_works_by_keyboard_alone(site, open_page, moderation_off, javascript):
    post = seed_post()
    first = Comment.objects.filter(post=post).order_by("tree_id", "lft").first()
    page = open_page("desktop", javascript=javascript)
    page.goto(site.url(post.get_absolute_url()))
    active = page.locator("*:focus")

    page.keyboard.press("Tab")
    expect(active).to_have_text("Skip to the content")
    page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.reply-link')"):
            break
    expect(active).to_have_attribute("href", f"?reply={first.pk}#reply-form")
    page.keyboard.press("Enter")
    if javascript:
        expect(active).to_have_id("reply-form-body")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(active).to_have_text("Cancel")
        page.keyboard.press("Enter")
        expect(page.locator("#reply-form")).to_have_count(0)
        expect(active).to_have_attribute("href", f"?reply={first.pk}#reply-form")
        page.keyboard.press("Enter")
        expect(active).to_have_id("reply-form-body")
    else:
        expect(page).to_have_url(re.compile(rf"\?reply={first.pk}#reply-form$"))
        page.keyboard.press("Tab")
        expect(active).to_have_id("reply-form-author")
        page.keyboard.type("Keyboard user")
        page.keyboard.press("Tab")
        expect(active).to_have_id("reply-form-body")
    page.keyboard.type("Typed and sent without a mouse.")
    page.keyboard.press("Tab")
    expect(active).to_have_text("Publish")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Thank you: your comment is published.")).to_be_visible()
    reply = Comment.objects.get(body="Typed and sent without a mouse.")
    assert reply.parent_id == first.pk
    expect(comment_box(page, reply)).to_be_in_viewport()
    in_tree_order = Comment.objects.filter(post=post).order_by("tree_id", "lft")
    edges = left_edges(page)
    assert list(edges) == list(in_tree_order.values_list("pk", flat=True))
    assert edges[reply.pk] > edges[first.pk]
