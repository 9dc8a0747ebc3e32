"""How the pages look and what they weigh: readable on a phone and a desktop, light, printable."""

import pytest
from playwright.sync_api import Page, expect

from forum.models import Comment
from tests.browser.pages import screenshot, seed_post

pytestmark = pytest.mark.browser
KB = 1000


def style(page: Page, selector: str, prop: str) -> str:
    return page.eval_on_selector(
        selector, "(el, prop) => getComputedStyle(el).getPropertyValue(prop)", prop
    )


def px(value: str) -> float:
    return float(value.removesuffix("px"))


def test_the_seed_post_page_weighs_under_100_kb_and_loads_no_script_but_its_own(site, open_page):
    page = open_page("phone")
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request))

    page.goto(site.url(seed_post().get_absolute_url()))
    page.wait_for_load_state("networkidle")

    weights = {
        request.url.removeprefix(site.base_url): len(request.response().body())
        for request in loaded
        if request.resource_type in ("document", "stylesheet", "script")
    }
    scripts = [request.url for request in loaded if request.resource_type == "script"]
    assert sum(weights.values()) < 100 * KB, weights
    assert [url.removeprefix(site.base_url) for url in scripts] == ["/static/js/forum.js"]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/", ".excerpt"),
        ("/2014/10/the-waiting-game-2/", ".post-body p"),
        ("/2016/06/probation-system-review/", ".comment-body p"),
    ],
)
def test_on_a_phone_the_text_is_large_enough_and_nothing_scrolls_sideways(
    site, open_page, path, text
):
    page = open_page("phone")
    page.goto(site.url(path))

    size = px(style(page, text, "font-size"))
    assert size >= 16
    assert px(style(page, text, "line-height")) >= 1.4 * size
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_on_a_phone_the_comment_actions_are_big_enough_to_tap(site, open_page):
    page = open_page("phone")
    page.goto(site.url(seed_post().get_absolute_url()))

    sizes = page.eval_on_selector_all(
        ".comment-actions a",
        "links => links.map((a) => [a.offsetWidth, a.offsetHeight])",
    )
    assert len(sizes) == 2 * 63
    assert min(height for _, height in sizes) >= 40
    assert min(width for width, _ in sizes) >= 40


def test_on_a_desktop_lines_stay_a_comfortable_length_and_line_up_with_the_masthead(
    site, open_page
):
    page = open_page("desktop")
    page.goto(site.url(seed_post().get_absolute_url()))

    paragraph = page.locator(".post-body p").first.bounding_box()
    font_size = px(style(page, ".post-body p", "font-size"))
    assert paragraph["width"] <= 45 * font_size
    site_name = page.locator(".site-name a").bounding_box()
    title = page.get_by_role("heading", level=1).bounding_box()
    assert abs(site_name["x"] - title["x"]) <= 2


def test_a_printed_post_keeps_the_post_and_its_comments_and_drops_the_page_furniture(
    site, open_page
):
    post = seed_post()
    page = open_page("desktop")
    page.goto(site.url(post.get_absolute_url()))

    page.emulate_media(media="print")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".post-body")).to_be_visible()
    last = Comment.objects.filter(post=post).order_by("-tree_id", "-lft").first()
    expect(page.locator(f"#c{last.pk} .comment-body")).to_be_visible()
    for furniture in [".masthead", "#comment-form", ".site-footer", ".comment-actions >> nth=0"]:
        expect(page.locator(furniture)).to_be_hidden()
    screenshot(page, "post-print", full_page=False)
