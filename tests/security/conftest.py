"""What the security tests share: an open policy and cheap password hashing."""

import pytest

from moderation.models import ModerationPolicy


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Signing in is what these tests repeat: hash passwords cheaply, as Django's own tests do."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def open_policy(open_forum):
    """An open forum with no limit at all, so that every comment posted is published."""
    ModerationPolicy.objects.filter(pk=1).update(max_per_hour=100_000, max_links=100_000)
    return ModerationPolicy.current()
