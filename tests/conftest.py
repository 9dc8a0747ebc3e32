import pytest
from django.core.cache import cache

from tests.factories import make_comment, make_post


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate limits and cached pages live in the cache: every database test starts it empty."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if uses_db or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("transactional_db" if "live_server" in uses_db else "db")
        cache.clear()
    yield


@pytest.fixture
def a_post(db):
    return make_post(title="The Waiting Game 2")


@pytest.fixture
def a_published_comment(a_post):
    return make_comment(post=a_post, body="I think more needs to be said about burn out.")


@pytest.fixture
def moderation_off(db):
    """The blog before September 2014: comments are published at once."""
    from moderation.models import ModerationPolicy

    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.NEVER)
