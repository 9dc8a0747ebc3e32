"""The cached thread HTML is never stale: every change a reader could see invalidates it."""

import pytest

from forum.models import Comment
from moderation import reports, services
from moderation.models import Decision, ModerationPolicy
from tests.factories import make_comment


def seen_by_a_stranger(client_class, post) -> str:
    return client_class().get(post.get_absolute_url()).content.decode()


@pytest.fixture
def cached_post(a_published_comment, client):
    """A post whose thread has just been rendered, and so is now in the cache."""
    post = a_published_comment.post
    assert "burn out" in seen_by_a_stranger(client.__class__, post)
    return post


def test_approving_a_comment_shows_it_at_once(cached_post, client, a_moderator):
    held = make_comment(post=cached_post, body="Now approved", status=Comment.Status.PENDING)
    assert "Now approved" not in seen_by_a_stranger(client.__class__, cached_post)

    services.decide([held.pk], Decision.Action.APPROVE, moderator=a_moderator)

    assert "Now approved" in seen_by_a_stranger(client.__class__, cached_post)


def test_taking_down_a_published_comment_hides_it_at_once(
    cached_post, a_published_comment, client, a_moderator
):
    services.decide(
        [a_published_comment.pk],
        Decision.Action.REJECT,
        moderator=a_moderator,
        allowed=services.TAKE_DOWN,
    )

    assert "burn out" not in seen_by_a_stranger(client.__class__, cached_post)


def test_an_authors_deletion_shows_at_once(cached_post, a_published_comment, client):
    make_comment(post=cached_post, parent=a_published_comment, body="A reply")
    services.delete_by_author(a_published_comment)

    html = seen_by_a_stranger(client.__class__, cached_post)

    assert "burn out" not in html
    assert "removed by the author" in html


def test_reports_that_hide_a_comment_show_at_once(cached_post, a_published_comment, client):
    for reader in ("a", "b", "c"):
        reports.report(
            a_published_comment,
            reporter=reader,
            network=reader,
            reason="",
            policy=ModerationPolicy.current(),
        )

    assert "burn out" not in seen_by_a_stranger(client.__class__, cached_post)


def test_a_corrected_text_shows_at_once(cached_post, a_published_comment, client, a_moderator):
    services.correct_text(a_published_comment, "Corrected words", moderator=a_moderator)

    assert "Corrected words" in seen_by_a_stranger(client.__class__, cached_post)


def test_undoing_a_decision_shows_at_once(cached_post, a_published_comment, client, a_moderator):
    services.decide(
        [a_published_comment.pk],
        Decision.Action.SPAM,
        moderator=a_moderator,
        allowed=services.TAKE_DOWN,
    )
    assert "burn out" not in seen_by_a_stranger(client.__class__, cached_post)

    services.undo(Decision.objects.get(), moderator=a_moderator)

    assert "burn out" in seen_by_a_stranger(client.__class__, cached_post)
