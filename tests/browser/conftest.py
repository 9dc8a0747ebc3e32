"""Chromium, driven through Playwright, against the live server with the blog's seeds imported.

Without /usr/bin/chromium these tests are skipped, unless REQUIRE_BROWSER is set (as CI sets it),
when they fail instead. Screenshots go to test-artifacts/screenshots/.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import sync_playwright

from moderation.models import ModerationPolicy
from moderation.permissions import MODERATORS_GROUP
from tests.browser.pages import MODERATOR, missing_tool
from tests.chromium import CHROMIUM, LAUNCH_ARGS

DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        missing_tool(f"{CHROMIUM} not found (make test-tools installs it)")
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    # Playwright's sync API keeps an event loop in this thread; Django refuses ORM calls from a
    # thread with a running loop unless told that this (test-only) use is safe.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # From here on the tests run in Playwright's greenlet, whose context variables, and so
        # Django's connections, start afresh: give them what the serialized rollback restores.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser) -> Callable:
    """A new page in a browser context of its own: `open_page("phone", javascript=False)`."""
    contexts = []

    def open_(device: str = "desktop", *, javascript: bool = True, bypass_csp: bool = False):
        context = browser.new_context(
            **DEVICES[device], java_script_enabled=javascript, bypass_csp=bypass_csp
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@dataclass(frozen=True)
class Site:
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def site(live_server, django_db_serialized_rollback, settings) -> Site:
    """The live server with the seeds imported, a moderator, and no rate limits in the way.

    The live server's database is emptied after each test; the serialized rollback puts back
    what the migrations made (the policy, the Moderators group) for the tests that follow.
    """
    # Signing in is part of the journeys, not what they measure: a fast hash will do.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("import_blog", verbosity=0, stdout=io.StringIO())
    ModerationPolicy.current()
    ModerationPolicy.objects.filter(pk=1).update(min_seconds_between=0, max_per_hour=1000)
    moderator = User.objects.create_user(MODERATOR[0], password=MODERATOR[1], is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return Site(live_server.url)
