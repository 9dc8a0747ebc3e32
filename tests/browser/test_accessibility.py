"""axe-core, injected into each page, finds no serious or critical accessibility violations."""

import json
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from forum.models import Comment
from moderation.models import ModerationPolicy
from tests.browser.pages import MODERATOR, SEND, missing_tool, seed_post, sign_in

pytestmark = pytest.mark.browser
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# The markup our admin templates and forms add to Django's: its problems are ours to fix.
OUR_ADMIN_MARKUP = "#state-counts, #policy-history, #moderation-waiting, .actions label"


def axe_violations(page: Page) -> list[dict]:
    """The serious and critical violations axe finds on the page as it is now."""
    if not AXE.exists():
        missing_tool(f"{AXE} not found (make test-tools installs it)")
    page.add_script_tag(path=AXE)
    results = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ['violations']});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html})),
            }));
        }"""
    )
    return [v for v in results if v["impact"] in ("serious", "critical")]


def described(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {n['target']}: {n['html'][:160]}" for n in v["nodes"])
        for v in violations
    )


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{described(violations)}"


def test_every_public_page_has_no_serious_accessibility_violations(site, open_page):
    post = seed_post()
    first = Comment.objects.filter(post=post).order_by("tree_id", "lft").first()
    pages = {
        "home": "/",
        "year archive": "/2014/",
        "month archive": "/2014/10/",
        "post with the reply form open": f"{post.get_absolute_url()}?reply={first.pk}#reply-form",
        "post with times that link": seed_post("Probation System Review").get_absolute_url(),
        "report page": f"/comments/{first.pk}/report/",
        "your comments, none yet": "/your-comments/",
        "search": "/search/?q=probation",
        "not found": "/no-such-page/",
    }
    page = open_page(bypass_csp=True)
    found = {}
    for name, path in pages.items():
        page.goto(site.url(path))
        found[name] = axe_violations(page)

    assert not any(found.values()), "\n".join(
        f"{name} ({pages[name]}):\n{described(violations)}"
        for name, violations in found.items()
        if violations
    )


def test_the_comment_forms_and_a_readers_held_comment_have_no_serious_violations(site, open_page):
    page = open_page("phone", bypass_csp=True)
    page.goto(site.url(seed_post().get_absolute_url()))
    page.locator("#comment-form").get_by_role("button", name=SEND).click()
    expect(page.locator("#comment-form-body-error")).to_be_visible()
    assert_accessible(page)

    page.locator("#comment-form").get_by_label("Comment").fill("Waiting to be read.")
    page.locator("#comment-form").get_by_role("button", name=SEND).click()
    expect(page.get_by_text("Thank you: your comment is held for moderation.")).to_be_visible()
    page.locator(".reply-link").first.click()
    expect(page.locator("#reply-form textarea")).to_be_focused()
    assert_accessible(page)

    page.goto(site.url("/your-comments/"))
    expect(page.get_by_text("Waiting for a moderator.")).to_be_visible()
    assert_accessible(page)


def test_the_slow_down_page_has_no_serious_violations(site, open_page):
    ModerationPolicy.objects.filter(pk=1).update(min_seconds_between=600)
    page = open_page(bypass_csp=True)
    page.goto(site.url(seed_post().get_absolute_url()))
    for body in ("First.", "Second, too soon."):
        page.locator("#comment-form").get_by_label("Comment").fill(body)
        page.locator("#comment-form").get_by_role("button", name=SEND).click()

    expect(page.get_by_role("heading", name="Please slow down")).to_be_visible()
    assert_accessible(page)


def test_a_moderators_post_page_with_approve_and_reject_buttons_has_no_serious_violations(
    site, open_page
):
    reader = open_page()
    reader.goto(site.url(seed_post().get_absolute_url()))
    reader.locator("#comment-form").get_by_label("Comment").fill("Held for the moderator.")
    reader.locator("#comment-form").get_by_role("button", name=SEND).click()
    page = open_page(bypass_csp=True)
    sign_in(page, site.base_url, *MODERATOR)

    page.goto(site.url(seed_post().get_absolute_url()))

    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    assert_accessible(page)


def split_ours_from_djangos(page: Page, violations: list[dict]) -> tuple[list, list]:
    """Violations in the markup we add to the admin, and those in Django's own."""
    ours, djangos = [], []
    for violation in violations:
        mine = [
            node
            for node in violation["nodes"]
            if page.evaluate(
                "([target, ours]) => !!document.querySelector(target)?.closest(ours)",
                [node["target"], OUR_ADMIN_MARKUP],
            )
        ]
        theirs = [node for node in violation["nodes"] if node not in mine]
        if mine:
            ours.append({**violation, "nodes": mine})
        if theirs:
            djangos.append({**violation, "nodes": theirs})
    return ours, djangos


def test_the_moderation_admin_adds_no_serious_violations_to_djangos(site, open_page):
    reader = open_page()
    reader.goto(site.url(seed_post().get_absolute_url()))
    reader.locator("#comment-form").get_by_label("Comment").fill("Held for the queue.")
    reader.locator("#comment-form").get_by_role("button", name=SEND).click()
    page = open_page(bypass_csp=True)
    page.goto(site.url("/admin/login/"))
    found = {"login": axe_violations(page)}
    sign_in(page, site.base_url, *MODERATOR)
    for name, path in [
        ("index", "/admin/"),
        ("queue", "/admin/moderation/pendingcomment/"),
        ("comments", "/admin/forum/comment/"),
        ("policy", "/admin/moderation/moderationpolicy/1/change/"),
    ]:
        page.goto(site.url(path))
        found[name] = axe_violations(page)
        ours, djangos = split_ours_from_djangos(page, found[name])
        assert not ours, f"{path}\n{described(ours)}"
        found[name] = djangos

    # Django's own admin markup is reported, not failed on: it is not ours to change.
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-admin.json").write_text(json.dumps(found, indent=2))
    if any(found.values()):
        summary = {name: sorted({v["id"] for v in vs}) for name, vs in found.items() if vs}
        warnings.warn(f"axe finds in Django's own admin markup: {summary}", stacklevel=1)
