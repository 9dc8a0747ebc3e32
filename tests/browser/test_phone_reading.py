"""Reading and joining a long thread, on a 390 px phone and a 1280 px desktop: what is new,
where the page lands, what the form promises, nothing typed is lost, deep replies say whom
they answer, and the handles a long page needs."""

import datetime
import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from forum.models import Comment
from forum.pages import thread_changed
from moderation.models import ModerationPolicy
from tests.browser.pages import comment_box, screenshot, seed_post
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.browser
SIZES = ["phone", "desktop"]


@pytest.fixture
def a_paged_thread(site):
    """Three pages of conversations, each a top-level comment with one reply."""
    post = make_post(title="A Busy Week", published=datetime.date(2014, 11, 3))
    for n in range(2 * settings.FORUM_COMMENTS_PER_PAGE + 5):
        top = make_comment(post=post, body=f"Conversation {n + 1} starts here.")
    make_comment(post=post, parent=top, body="The last reply so far.")
    return post


@pytest.fixture
def a_deep_thread(site):
    """One conversation twelve replies deep, each answering the one before."""
    post = make_post(title="Going Down", published=datetime.date(2014, 11, 4))
    parent = None
    for depth in range(13):
        name = f"Officer {chr(ord('A') + depth)}"
        parent = make_comment(post=post, parent=parent, author_name=name, body=f"Depth {depth}.")
    make_comment(post=post, body="A second conversation.")
    return post


@pytest.mark.parametrize("device", SIZES)
def test_a_first_visit_to_a_later_page_marks_nothing_new_and_later_marks_only_what_is_new(
    site, open_page, a_paged_thread, device
):
    page = open_page(device)
    page.goto(site.url(a_paged_thread.get_absolute_url()))
    page.goto(site.url(a_paged_thread.get_absolute_url() + "?page=2"))
    expect(page.locator(".thread article.comment").first).to_be_visible()
    expect(page.locator(".is-new")).to_have_count(0)
    expect(page.locator("#new-since")).to_be_hidden()

    on_page_two = Comment.objects.filter(post=a_paged_thread, level=0).order_by("tree_id")[250]
    fresh = make_comment(post=a_paged_thread, parent=on_page_two, body="Fresh on page two.")
    thread_changed(a_paged_thread.pk)
    page.goto(site.url(a_paged_thread.get_absolute_url()))  # page one shows nothing new
    expect(page.locator(".is-new")).to_have_count(0)
    page.goto(site.url(a_paged_thread.get_absolute_url() + "?page=2"))

    expect(page.locator(".is-new")).to_have_count(1)
    expect(comment_box(page, fresh).locator(".new-badge")).to_have_text("New")
    top = page.locator("#new-since")
    expect(top).to_contain_text("1 new comment since your last visit")
    assert top.bounding_box()["y"] < page.locator(".post-body").bounding_box()["y"]
    top.get_by_role("link", name="Jump to the first new comment").click()
    expect(comment_box(page, fresh)).to_be_in_viewport()
    page.reload()
    expect(page.locator(".is-new")).to_have_count(0)


@pytest.mark.parametrize("device", SIZES)
def test_after_posting_the_thank_you_is_beside_the_comment_the_page_lands_on(
    site, open_page, moderation_off, device
):
    post = seed_post()
    page = open_page(device)
    page.goto(site.url(post.get_absolute_url()))

    page.locator("#comment-form").get_by_label("Your comment").fill("Read every word of it.")
    page.locator("#comment-form").get_by_role("button", name="Publish").click()

    mine = Comment.objects.get(body="Read every word of it.")
    thanks = comment_box(page, mine).get_by_role("status")
    expect(thanks).to_have_text("Thank you: your comment is published.")
    expect(thanks).to_be_in_viewport()
    expect(page.locator(".messages")).to_have_count(0)


@pytest.mark.parametrize("device", SIZES)
def test_the_form_says_comments_are_moderated_and_the_button_says_what_happens(
    site, open_page, device
):
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.ALWAYS)
    post = make_post(title="Quiet Post", published=datetime.date(2014, 11, 5))
    page = open_page(device)
    page.goto(site.url(post.get_absolute_url()))
    form = page.locator("#comment-form")
    expect(form).to_contain_text("read by a moderator before they appear")

    form.get_by_label("Your comment").fill("Held, I expect.")
    form.get_by_role("button", name="Send for moderation").click()

    expect(page.get_by_role("heading", name="No published comments yet")).to_be_visible()
    expect(page.get_by_text("No comments yet")).to_have_count(0)
    expect(page.get_by_text("Held, I expect.")).to_be_visible()
    screenshot(page, f"form-moderated-{device}")


@pytest.mark.parametrize("device", SIZES)
def test_too_fast_keeps_the_comment_and_says_when_and_delete_asks_first(
    site, open_page, moderation_off, device
):
    ModerationPolicy.objects.filter(pk=1).update(min_seconds_between=45)
    post = seed_post()
    page = open_page(device)
    page.goto(site.url(post.get_absolute_url()))
    page.locator("#comment-form").get_by_label("Your comment").fill("First, quickly.")
    page.locator("#comment-form").get_by_role("button", name="Publish").click()
    page.locator("#comment-form").get_by_label("Your comment").fill("A long second thought.")
    page.locator("#comment-form").get_by_role("button", name="Publish").click()

    expect(page.get_by_role("heading", name="Please slow down")).to_be_visible()
    expect(page.get_by_text("You can post again in 45 seconds")).to_be_visible()
    expect(page.get_by_label("Your comment")).to_have_value("A long second thought.")

    first = Comment.objects.get(body="First, quickly.")
    page.goto(site.url(first.get_absolute_url()))
    comment_box(page, first).get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete your comment?")).to_be_visible()
    page.get_by_role("link", name="Keep it").click()
    first.refresh_from_db()
    assert first.status == Comment.Status.PUBLISHED
    comment_box(page, first).get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete it").click()
    expect(page.get_by_text("Your comment has been deleted.")).to_be_visible()
    first.refresh_from_db()
    assert first.status == Comment.Status.REMOVED


def reply_labels(page: Page) -> list[tuple[int, bool]]:
    """Each comment's depth class, and whether its "in reply to" line takes up room."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.thread article.comment')].map((el) => {
            const label = el.querySelector(':scope > .in-reply-to');
            return [el.className, label ? label.getBoundingClientRect().width > 1 : null];
        })"""
    )


@pytest.mark.parametrize(("device", "first_labelled"), [("phone", 5), ("desktop", 9)])
def test_a_deep_reply_says_whom_it_answers_once_the_indent_cannot(
    site, open_page, a_deep_thread, device, first_labelled
):
    page = open_page(device)
    page.goto(site.url(a_deep_thread.get_absolute_url()))

    labels = reply_labels(page)[:13]
    assert [shown for _, shown in labels[1:]] == [depth >= first_labelled for depth in range(1, 13)]
    deepest = page.locator(".thread article.comment").nth(12)
    expect(deepest.locator(".in-reply-to")).to_have_text("in reply to Officer L")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"deep-thread-{device}")


def test_a_conversation_folds_away_and_back(site, open_page, a_deep_thread):
    page = open_page("phone")
    page.goto(site.url(a_deep_thread.get_absolute_url()))
    toggle = page.get_by_role("button", name="Hide 12 replies")

    toggle.click()

    expect(page.get_by_text("Depth 5.")).to_be_hidden()
    expect(page.get_by_text("A second conversation.")).to_be_visible()
    expect(page.get_by_role("button", name="Show 12 replies")).to_have_attribute(
        "aria-expanded", "false"
    )
    page.get_by_role("button", name="Show 12 replies").click()
    expect(page.get_by_text("Depth 5.")).to_be_visible()


@pytest.mark.parametrize("device", SIZES)
def test_a_long_post_has_handles_to_its_comments_its_form_its_pages_and_its_neighbours(
    site, open_page, a_paged_thread, device
):
    page = open_page(device)
    page.goto(site.url(a_paged_thread.get_absolute_url()))

    handles = page.locator(".post-handles")
    expect(handles).to_contain_text("406 comments")
    assert handles.bounding_box()["y"] < 600
    handles.get_by_role("link", name="Leave a comment").click()
    expect(page.locator("#comment-form")).to_be_in_viewport()

    pager = page.locator(".thread-pager").first
    expect(pager.get_by_role("link", name="Comments page 3")).to_be_visible()
    pager.get_by_role("link", name="Newest comment").click()
    expect(page).to_have_url(re.compile(r"\?page=3#c\d+$"))
    expect(page.get_by_text("The last reply so far.")).to_be_in_viewport()

    page.goto(site.url(a_paged_thread.get_absolute_url() + "?page=4"))
    expect(page.get_by_role("heading", name="No page 4 of comments")).to_be_visible()

    page.goto(site.url(a_paged_thread.get_absolute_url()))
    page.get_by_role("link", name=re.compile("^Previous post")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Waiting Game 2")


@pytest.mark.parametrize("device", SIZES)
def test_old_and_new_comments_have_the_same_header(site, open_page, moderation_off, device):
    post = seed_post()
    page = open_page(device)
    page.goto(site.url(post.get_absolute_url()))
    page.locator("#comment-form").get_by_label("Your comment").fill("New today.")
    page.locator("#comment-form").get_by_role("button", name="Publish").click()

    old = Comment.objects.get(post=post, import_key="12")
    new = Comment.objects.get(body="New today.")
    expect(comment_box(page, old).locator(".comment-head")).to_have_text("Anonymous · #12")
    expect(comment_box(page, new).locator(".comment-head")).to_have_text(
        re.compile(r"^Anonymous ·\w+ · \d+ \w+ \d{4} at \d\d:\d\d$")
    )
    expect(page.get_by_text("Link", exact=True)).to_have_count(0)


def test_on_a_phone_the_masthead_is_short_and_the_search_box_shows_its_whole_hint(site, open_page):
    page = open_page("phone")
    page.goto(site.url("/"))

    assert page.locator(".masthead").bounding_box()["height"] <= 140
    search = page.get_by_role("searchbox")
    hint_fits = search.evaluate(
        """(input) => {
            const style = getComputedStyle(input);
            const context = document.createElement('canvas').getContext('2d');
            context.font = `${style.fontSize} ${style.fontFamily}`;
            const room = input.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return context.measureText(input.placeholder).width <= room;
        }"""
    )
    assert hint_fits
    screenshot(page, "home-phone")


def test_on_a_desktop_the_post_page_uses_its_width(site, open_page):
    page = open_page("desktop")
    page.goto(site.url(seed_post().get_absolute_url()))

    main = page.locator("main").bounding_box()
    aside = page.locator(".post-aside").bounding_box()
    layout = page.locator(".layout").bounding_box()
    assert aside["x"] > main["x"] + main["width"]
    assert (aside["x"] + aside["width"]) - main["x"] >= 0.85 * (layout["width"] - 32)
    screenshot(page, "post-desktop", full_page=False)
    page.goto(site.url("/"))
    screenshot(page, "home-desktop", full_page=False)


def test_every_page_has_an_icon_and_the_old_address_finds_it(site, open_page):
    page = open_page("desktop")
    page.goto(site.url("/"))
    href = page.locator("link[rel=icon]").get_attribute("href")

    assert page.request.get(site.url(href)).ok
    response = page.request.get(site.url("/favicon.ico"))
    assert response.ok
    assert response.body()[:4] == b"\x00\x00\x01\x00"


def test_a_rejected_comment_is_marked_as_such_not_as_a_live_conversation(site, open_page):
    post = seed_post()
    page = open_page("phone")
    page.goto(site.url(post.get_absolute_url()))
    page.locator("#comment-form").get_by_label("Your comment").fill("Names names.")
    page.locator("#comment-form").get_by_role("button", name=re.compile("Send|Publish")).click()
    mine = Comment.objects.get(body="Names names.")
    Comment.objects.filter(pk=mine.pk).update(
        status=Comment.Status.REJECTED, public_reason="Please do not name colleagues."
    )
    thread_changed(post.pk)

    page.goto(site.url(post.get_absolute_url()))

    box = comment_box(page, mine)
    expect(box).to_contain_text("saying: “Please do not name colleagues.” Only you")
    border = box.evaluate("(el) => getComputedStyle(el).borderLeftColor")
    published = page.locator(".thread article.comment.d0").first
    assert border != published.evaluate("(el) => getComputedStyle(el).borderLeftColor")
    assert border == "rgb(164, 22, 26)"
    screenshot(page, "post-phone", full_page=False)
