"""The fixtures every test directory shares: a post, a comment, a moderator, an open forum."""

import pytest
from django.core.cache import cache
from django.test import Client

from forum import conversations
from moderation.models import ModerationPolicy
from tests.factories import make_comment, make_moderator, make_post


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate limits and cached pages live in the cache: every database test starts it empty."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if uses_db or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("transactional_db" if "live_server" in uses_db else "db")
        cache.clear()
        conversations.forget()
    yield


@pytest.fixture
def a_post(db):
    return make_post(title="The Waiting Game 2")


@pytest.fixture
def a_published_comment(a_post):
    return make_comment(post=a_post, body="I think more needs to be said about burn out.")


@pytest.fixture
def a_moderator(db):
    """Staff in the Moderators group, as the admin makes one: "mod", "a long passphrase"."""
    return make_moderator("mod")


@pytest.fixture
def moderator_client(a_moderator):
    """A browser of its own, signed in as the moderator: the `client` stays a stranger's."""
    client = Client()
    client.force_login(a_moderator)
    return client


@pytest.fixture
def moderation_off(db):
    """The blog before September 2014: comments are published at once."""
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.NEVER)


@pytest.fixture
def no_rate_limits(db):
    """Room for a test to post more, and faster, than the limits let one reader."""
    ModerationPolicy.objects.filter(pk=1).update(min_seconds_between=0, max_per_hour=1000)


@pytest.fixture
def open_forum(moderation_off, no_rate_limits):
    """Comments are published at once, with no rate limits: only the rule under test holds."""
