"""What the browser tests share: where screenshots go, and the steps many journeys take."""

import os
import re

import pytest
from django.conf import settings
from playwright.sync_api import Page

from blogarchive.models import Post
from forum.models import Comment

# The comment form's button: "Publish" where comments appear at once, "Send for moderation"
# where a moderator reads them first (tests/browser/test_phone_reading.py checks which is which).
SEND = re.compile(r"^(Publish|Send for moderation)$")
SCREENSHOTS = settings.BASE_DIR / "test-artifacts" / "screenshots"
WAITING_GAME_2 = "The Waiting Game 2"
MODERATOR = ("moderator", "a long passphrase from 2014")


def missing_tool(reason: str) -> None:
    """Skip a test whose tool is not installed, or fail it where CI requires the tool."""
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"{reason}, and REQUIRE_BROWSER is set")
    pytest.skip(reason)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Keep a picture of the page as a test artefact: test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)


def seed_post(title: str = WAITING_GAME_2) -> Post:
    return Post.objects.get(title=title)


def comment_box(page: Page, comment: Comment):
    return page.locator(f"#c{comment.pk}")


def left_edges(page: Page) -> dict[int, float]:
    """How far from the left each comment of the thread starts, in the order the page shows them."""
    edges = page.evaluate(
        """() => [...document.querySelectorAll('.thread article.comment')].map(
            (el) => [el.id.slice(1), el.getBoundingClientRect().left])"""
    )
    return {int(pk): left for pk, left in edges}


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
