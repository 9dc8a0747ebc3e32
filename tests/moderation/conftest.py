"""What the moderation tests share: a moderator, signed in or not, and a forum without limits."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from moderation.models import ModerationPolicy
from moderation.permissions import MODERATORS_GROUP


@pytest.fixture
def a_moderator(db):
    user = User.objects.create_user("mod", "mod@example.org", "a long passphrase", is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


@pytest.fixture
def moderator_client(a_moderator):
    """A browser of its own, signed in as the moderator."""
    client = Client()
    client.force_login(a_moderator)
    return client


@pytest.fixture
def no_rate_limits(db):
    ModerationPolicy.objects.filter(pk=1).update(min_seconds_between=0, max_per_hour=1000)
