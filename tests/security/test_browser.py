"""Hostile comments in a real browser: Chromium loads every page that shows them, and none runs.

The pages are loaded with the Content-Security-Policy bypassed, so that what is tested is the
escaping and sanitising alone: the policy is a second wall, tested on its own at the end.
Chromium runs on a thread of its own, so that Playwright's event loop never meets Django's
database calls on the test's thread.
"""

import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from forum import markup
from forum.models import Comment
from moderation import email_links, services
from moderation.models import Decision, ModerationPolicy
from tests.chromium import CHROMIUM, LAUNCH_ARGS
from tests.factories import make_post
from tests.security import xss_vectors
from tests.security.pages import post_comment, post_every_vector, public_pages, searches

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Set before any script of the page runs; a vector that runs sets it to 1.
SENTINEL = "window.__xss = 0;"
WATCH_POLICY = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""
# What a page holds once loaded, read from the DOM Chromium built.
INSPECT = """() => {
  const allowed = new Set(["P", "BR", "A", "B", "I", "EM", "STRONG"]);
  const bodies = [...document.querySelectorAll(".comment-body")];
  const foreign = bodies.flatMap((body) => [...body.querySelectorAll("*")])
    .filter((el) => !allowed.has(el.tagName)).map((el) => el.outerHTML.slice(0, 100));
  const handlers = [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes]
    .filter((a) => a.name.startsWith("on")).map((a) => el.tagName + " " + a.name));
  const links = [...document.querySelectorAll(".comment a[href], .comment-body a[href]")]
    .filter((a) => !["http:", "https:", "mailto:"].includes(a.protocol))
    .map((a) => a.getAttribute("href"));
  const embedded = [...document.querySelectorAll("iframe, frame, object, embed, base")]
    .concat([...document.querySelectorAll("meta[http-equiv]")])
    .map((el) => el.outerHTML.slice(0, 100));
  const inline = [...document.scripts].filter((s) => !s.src).map((s) => s.textContent.slice(0, 60));
  return {ran: window.__xss, bodies: bodies.length, foreign, handlers, links, embedded, inline,
          names: [...document.querySelectorAll(".comment-author")].map((el) => el.textContent)};
}"""


@pytest.fixture
def chromium():
    """Chromium's path; skipped without it, unless REQUIRE_BROWSER says it must be there."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} not found (make test-tools installs it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright is not installed (pip install -r requirements-dev.txt)"
    if problem and os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"{problem}, and REQUIRE_BROWSER is set")
    if problem:
        pytest.skip(problem)
    return CHROMIUM


def in_chromium(work, *args):
    """Run `work(browser, *args)` with a fresh Chromium, on a thread of its own."""

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                return work(browser, *args)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=120)


def open_page(browser, base_url: str, cookies: dict[str, str], *, bypass_csp: bool):
    """A page in a context of its own, with the sentinel set and every dialog and error noted."""
    context = browser.new_context(bypass_csp=bypass_csp)
    context.set_default_timeout(15_000)
    context.add_init_script(SENTINEL + WATCH_POLICY)
    context.add_cookies([{"name": k, "value": v, "url": base_url} for k, v in cookies.items()])
    page = context.new_page()
    events = defaultdict(list)
    page.on("dialog", lambda dialog: (events["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: events["errors"].append(str(error)))
    page.on("console", lambda message: _note_console_error(events, message))
    return page, events


def _note_console_error(events, message) -> None:
    # Chromium asks every site for a /favicon.ico, which this one does not have.
    where = message.location.get("url", "")
    if message.type == "error" and not where.endswith("/favicon.ico"):
        events["console"].append(f"{message.text} {where}")


def look(page, events, url: str) -> dict:
    """Load a page, give timers and media errors a moment to fire, and say what happened."""
    events.clear()
    page.goto(url, wait_until="load")
    page.wait_for_timeout(200)
    quiet = {"dialogs": [], "errors": [], "console": []}
    return {**quiet, **page.evaluate(INSPECT), **events, "url": page.url}


def look_at_all(browser, base_url: str, visits: dict[str, list[str]], cookies: dict) -> dict:
    """Each viewer's pages, in one browser context per viewer: {(viewer, path): what was seen}."""
    seen = {}
    for viewer, paths in visits.items():
        page, events = open_page(browser, base_url, cookies[viewer], bypass_csp=True)
        for path in paths:
            seen[viewer, path] = look(page, events, base_url + path)
        page.context.close()
    return seen


def assert_inert(name, seen: dict) -> None:
    assert seen["ran"] == 0, f"a vector ran on {name}"
    assert seen["dialogs"] == [], name
    assert seen["errors"] == [], name
    assert seen["console"] == [], name
    assert seen["foreign"] == [], name
    assert seen["handlers"] == [], name
    assert seen["links"] == [], name
    assert seen["embedded"] == [], name
    assert seen["inline"] == [], name
    assert urlsplit(seen["url"]).path == urlsplit(name[-1]).path, f"{name} navigated away"


def test_chromium_runs_no_hostile_comment_on_any_page_for_any_viewer(
    chromium, live_server, a_post, a_moderator, open_policy, settings
):
    settings.FORUM_COMMENTS_PER_PAGE = 1000
    vectors, names = xss_vectors.body_vectors(), xss_vectors.NAMES
    post_every_vector(Client(), a_post, vectors)
    # The vector with an e-mail address in it is held as personal information; approved here.
    held_for_address = Comment.objects.pending().filter(post=a_post).values_list("pk", flat=True)
    services.decide(list(held_for_address), Decision.Action.APPROVE)
    for n, name in enumerate(names):
        post_comment(Client(), a_post, f"Signed, number {n}.", author_name=name)
    reported = Comment.objects.filter(body=xss_vectors.CLASSICS[0]).get()

    held_post, author = make_post(title="Held"), Client()
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.ALWAYS)
    held = vectors[::4]
    for n, vector in enumerate(held):
        post_comment(author, held_post, vector, author_name=names[n % len(names)])
    one_held = Comment.objects.filter(post=held_post).first()
    moderator = Client()
    moderator.force_login(a_moderator)

    cookies = {
        "anyone": {},
        "author": {"forum_mine": author.cookies["forum_mine"].value},
        "moderator": {
            settings.SESSION_COOKIE_NAME: moderator.cookies[settings.SESSION_COOKIE_NAME].value
        },
    }
    visits = {
        "anyone": [
            *public_pages([a_post]),
            *searches(["script", vectors[0]]),
            reverse("moderation:report", args=[reported.pk]),
            "?".join(urlsplit(email_links.make_link(one_held, "approve", a_moderator))[2:4]),
        ],
        "author": [held_post.get_absolute_url(), reverse("forum:your_comments")],
        "moderator": [
            held_post.get_absolute_url(),
            reverse("admin:moderation_pendingcomment_changelist"),
            reverse("admin:moderation_pendingcomment_change", args=[one_held.pk]),
        ],
    }

    seen = in_chromium(look_at_all, live_server.url, visits, cookies)

    for name, page in seen.items():
        assert_inert(name, page)
    thread = seen["anyone", a_post.get_absolute_url()]
    assert thread["bodies"] == len(vectors) + len(names)
    assert [name for name in thread["names"] if name in names] == names
    assert seen["author", held_post.get_absolute_url()]["bodies"] == len(held)
    assert seen["author", reverse("forum:your_comments")]["bodies"] == len(held)
    assert seen["moderator", held_post.get_absolute_url()]["bodies"] == len(held)


NAME = xss_vectors.NAMES[1]
BODY = "\n\n".join(xss_vectors.CLASSICS[:12])


def type_a_comment(browser, base_url: str, path: str) -> dict:
    """Post a hostile comment by typing it into the form, then try inline script on the page."""
    page, events = open_page(browser, base_url, {}, bypass_csp=False)
    page.goto(base_url + path, wait_until="load")
    page.fill("#comment-form-author", NAME)
    page.fill("#comment-form-body", BODY)
    with page.expect_navigation(wait_until="load"):
        page.click("#comment-form button[type=submit]")
    page.wait_for_timeout(300)
    so_far = {kind: list(events[kind]) for kind in ("dialogs", "errors", "console")}
    landed = {**so_far, **page.evaluate(INSPECT), "url": page.url}
    landed["violations"] = page.evaluate("window.__violations")
    # The second wall: even script that got into the page is refused by the policy.
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__xss = 1";
            document.body.append(script);
            const image = '<img src="/x" onerror="window.__xss=2">';
            document.body.insertAdjacentHTML("beforeend", image);
        }"""
    )
    page.wait_for_timeout(300)
    landed["ran_after_injection"] = page.evaluate("window.__xss")
    landed["blocked"] = page.evaluate("window.__violations")
    return landed


def test_a_hostile_comment_typed_into_the_form_is_kept_and_shown_inert_under_the_policy(
    chromium, live_server, a_post, open_policy
):
    landed = in_chromium(type_a_comment, live_server.url, a_post.get_absolute_url())

    assert_inert(("anyone", a_post.get_absolute_url()), landed)
    assert landed["violations"] == [], "the site's own page breaks its policy"
    assert NAME in landed["names"]
    comment = Comment.objects.get(post=a_post)
    assert (comment.author_name, comment.body) == (NAME, markup.normalise(BODY))
    assert comment.status == Comment.Status.PUBLISHED
    assert landed["ran_after_injection"] == 0
    assert any(v.startswith("script-src-elem inline") for v in landed["blocked"])
    assert any(v.startswith("script-src-attr inline") for v in landed["blocked"])
