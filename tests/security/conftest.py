"""What the security tests share: an open policy and cheap password hashing."""

import pytest

from moderation.models import ModerationPolicy


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Signing in is what these tests repeat: hash passwords cheaply, as Django's own tests do."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def open_policy(db):
    """Moderation off and no limits, so that every comment posted is published and rendered."""
    policy = ModerationPolicy.current()
    policy.mode = ModerationPolicy.Mode.NEVER
    policy.min_seconds_between = 0
    policy.max_per_hour = 100_000
    policy.max_links = 100_000
    policy.save()
    return policy
