"""The moderator's desk in Chromium: a queue cleared with the keyboard alone, row buttons without
JavaScript, the layout at 1280 px and on a phone, the lockdown switch, and personal information."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from forum.models import Comment
from moderation.models import ModerationPolicy, WatchedName
from tests.browser.pages import MODERATOR, screenshot, seed_post, sign_in
from tests.factories import make_comment

pytestmark = pytest.mark.browser
QUEUE = "/admin/moderation/pendingcomment/"


def hold(count: int, **fields) -> list[Comment]:
    post = seed_post()
    return [
        make_comment(
            post=post,
            body=fields.get("body", f"Held comment number {n}."),
            status=Comment.Status.PENDING,
            hold_reason="moderation is on",
            **{k: v for k, v in fields.items() if k != "body"},
        )
        for n in range(count)
    ]


def open_queue(site, open_page, device: str = "desktop", *, javascript: bool = True) -> Page:
    page = open_page(device, javascript=javascript)
    sign_in(page, site.base_url, *MODERATOR)
    page.goto(site.url(QUEUE))
    return page


def leave_a_comment(page: Page, body: str, *, button: str = "Publish") -> None:
    form = page.locator("#comment-form")
    form.get_by_label("Comment").fill(body)
    form.get_by_role("button", name=button).click()


def test_a_moderator_decides_twenty_held_comments_with_one_key_each(site, open_page):
    comments = hold(20)
    page = open_queue(site, open_page)

    page.keyboard.press("?")
    expect(page.locator("#desk-keys")).to_be_visible()
    page.keyboard.press("?")
    for key in "a" * 10 + "r" * 5 + "s" * 5:
        page.keyboard.press(key)
    expect(page.locator(".desk-outcome")).to_have_count(20)

    statuses = [Comment.objects.get(pk=c.pk).status for c in comments]
    assert (
        statuses
        == [Comment.Status.PUBLISHED] * 10
        + [Comment.Status.REJECTED] * 5
        + [Comment.Status.SPAM] * 5
    )
    page.keyboard.press("u")
    expect(page.locator(".desk-outcome")).to_have_count(19)
    assert Comment.objects.get(pk=comments[-1].pk).status == Comment.Status.PENDING


def test_j_and_k_move_between_comments_and_a_decides_the_one_chosen(site, open_page):
    first, second, third = hold(3)
    page = open_queue(site, open_page)

    for key in "jjk":
        page.keyboard.press(key)
    page.keyboard.press("r")

    expect(page.locator(".desk-outcome")).to_have_count(1)
    assert [Comment.objects.get(pk=c.pk).status for c in (first, second, third)] == [
        Comment.Status.PENDING,
        Comment.Status.REJECTED,
        Comment.Status.PENDING,
    ]


def test_a_row_button_works_with_javascript_off_and_its_undo_puts_the_comment_back(site, open_page):
    comment, other = hold(2)
    page = open_queue(site, open_page, javascript=False)

    page.locator(f"#desk-{comment.pk}").get_by_label("Reason (optional)").fill("On topic")
    page.locator(f"#desk-{comment.pk}").get_by_role("button", name="Approve").click()

    expect(page.locator(".messagelist")).to_contain_text("Approved · Undo")
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PUBLISHED
    assert Comment.objects.get(pk=other.pk).status == Comment.Status.PENDING
    expect(page.locator(f"#desk-{other.pk}")).to_be_visible()
    page.locator(".messagelist").get_by_role("link", name="Undo").click()
    page.get_by_role("button", name="Yes, undo").click()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_the_queue_fits_at_1280_px_and_shows_a_long_comment_and_its_parent_in_full(site, open_page):
    parent = make_comment(post=seed_post(), body="The parent says " + "p " * 400)
    long = "A very long held comment " + "word " * 300 + "https://example.org/" + "x" * 200
    hold(1, body=long[:1500], parent=parent)
    hold(5)
    page = open_queue(site, open_page)

    expect(page.locator("#result_list")).to_contain_text(long[:1500])
    expect(page.locator("#result_list")).to_contain_text(parent.body.strip())
    widths = page.evaluate(
        """() => [document.querySelector('#changelist .results'), document.documentElement]
            .map((el) => [el.scrollWidth, el.clientWidth])"""
    )
    assert all(scroll <= client for scroll, client in widths), widths
    screenshot(page, "desk-queue-desktop")


def test_on_a_phone_each_comment_is_a_card_with_its_buttons(site, open_page):
    hold(3, body="A held comment a moderator reads on a phone, in full, without zooming.")
    page = open_queue(site, open_page, "phone")

    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    width = page.viewport_size["width"]
    for row in rows.all():
        assert row.evaluate("(el) => getComputedStyle(el).display") == "block"
        for name in ("Approve", "Reject", "Spam"):
            box = row.get_by_role("button", name=name).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] >= 40
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, "desk-queue-phone")


def test_a_lockdown_holds_comments_and_ends_by_itself(site, open_page):
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.NEVER)
    moderator = open_page()
    sign_in(moderator, site.base_url, *MODERATOR)
    moderator.goto(site.url("/admin/moderation/moderationpolicy/1/change/"))
    moderator.get_by_label("Hold every comment for the next (hours)").fill("2")
    moderator.get_by_role("button", name="Save", exact=True).click()
    expect(moderator.locator("#lockdown-banner")).to_contain_text("Lockdown")

    reader = open_page()
    reader.goto(site.url(seed_post().get_absolute_url()))
    # The form itself says that every comment is now read first.
    leave_a_comment(reader, "Posted during the lockdown.", button="Send for moderation")
    expect(reader.get_by_text("Thank you: your comment is held for moderation.")).to_be_visible()

    # Two hours later: nothing has run since, the next read of the policy ends the lockdown.
    later = timezone.now() - timedelta(seconds=1)
    ModerationPolicy.objects.filter(pk=1).update(lockdown_until=later)
    reader.goto(site.url(seed_post().get_absolute_url()))
    leave_a_comment(reader, "Posted after the lockdown.")
    assert Comment.objects.get(body="Posted after the lockdown.").status == Comment.Status.PUBLISHED
    moderator.reload()
    expect(moderator.locator("#lockdown-banner")).to_have_count(0)
    expect(moderator.locator("#policy-history")).to_contain_text("ended: back to")


def test_each_kind_of_personal_information_is_held_with_its_reason_shown(site, open_page):
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.NEVER)
    WatchedName.objects.create(name="Jane Doe")
    kinds = {
        "Write to jo.bloggs@justice.gov.uk about it": "e-mail address",
        "Ring the office on 020 7946 0958": "phone number",
        "His NI is JH 12 34 56 C": "National Insurance number",
        "Case X123456 again": "case reference",
        "The office at EC1A 1BB is shutting": "postcode",
        "Ask jane doe, she knows": "name on the watch list",
    }
    reader = open_page()
    for body in kinds:
        reader.goto(site.url(seed_post().get_absolute_url()))
        leave_a_comment(reader, body)
        expect(
            reader.get_by_text("Thank you: your comment is held for moderation.")
        ).to_be_visible()

    page = open_queue(site, open_page)
    for body, kind in kinds.items():
        comment = Comment.objects.get(body=body)
        row = page.locator("#result_list tr", has=page.locator(f"#desk-{comment.pk}"))
        expect(row.locator(".desk-hold-reason")).to_have_text(f"personal information: {kind}")
        expect(row.locator(f'mark[title="{kind}"]')).to_be_visible()
    screenshot(page, "desk-queue-personal-information")
